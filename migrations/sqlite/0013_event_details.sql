-- An appeal step's detail becomes structured: the JSON form of shared::appeal::Detail (one
-- shape per kind) instead of text such as "12: not ours" or "rejected: no grounds".
UPDATE appeal_events SET detail = CASE kind
    WHEN 'answered' THEN json_object('note', detail)
    WHEN 'extended' THEN json_object('note', detail)
    WHEN 'returned' THEN json_object('note', detail)
    WHEN 'cosigned' THEN json_object('cosigner', detail)
    WHEN 'triaged' THEN json_object('category', detail)
    WHEN 'rated' THEN json_object('score', CAST(detail AS INTEGER))
    WHEN 'repeat' THEN json_object('repeat_of', CAST(detail AS INTEGER))
    WHEN 'escalated' THEN json_object('escalated', json_object('from', CAST(detail AS INTEGER)))
    WHEN 'assigned' THEN json_object('assigned', json_object(
        'officer', CAST(detail AS INTEGER),
        'name', COALESCE((SELECT full_name FROM users WHERE id = CAST(detail AS INTEGER)), '')))
    WHEN 'forwarded' THEN json_object('forwarded', json_object(
        'from', COALESCE((SELECT p.body_id FROM appeal_events p WHERE p.appeal_id = appeal_events.appeal_id
                          AND p.id < appeal_events.id AND p.body_id IS NOT NULL ORDER BY p.id DESC LIMIT 1), 0),
        'reason', substr(detail, instr(detail, ': ') + 2)))
    WHEN 'resolved' THEN json_object('resolved', json_object(
        'resolution', substr(detail, 1, instr(detail, ': ') - 1),
        'reason', substr(detail, instr(detail, ': ') + 2)))
    WHEN 'consent' THEN json_object('consent', json_object(
        'role', substr(detail, instr(detail, ': ') + 2, instr(detail, ' · ') - instr(detail, ': ') - 2),
        'consent', json(CASE WHEN detail LIKE 'consent:%' THEN 'true' ELSE 'false' END),
        'person', substr(detail, instr(detail, ' · ') + 3)))
    ELSE '"nothing"'
END;
