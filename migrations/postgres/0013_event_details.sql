-- An appeal step's detail becomes structured: the JSON form of shared::appeal::Detail (one
-- shape per kind) instead of text such as "12: not ours" or "rejected: no grounds".
UPDATE appeal_events e SET detail = CASE e.kind
    WHEN 'answered' THEN json_build_object('note', e.detail)::text
    WHEN 'extended' THEN json_build_object('note', e.detail)::text
    WHEN 'returned' THEN json_build_object('note', e.detail)::text
    WHEN 'cosigned' THEN json_build_object('cosigner', e.detail)::text
    WHEN 'triaged' THEN json_build_object('category', e.detail)::text
    WHEN 'rated' THEN json_build_object('score', CAST(e.detail AS INTEGER))::text
    WHEN 'repeat' THEN json_build_object('repeat_of', CAST(e.detail AS BIGINT))::text
    WHEN 'escalated' THEN json_build_object('escalated', json_build_object('from', CAST(e.detail AS BIGINT)))::text
    WHEN 'assigned' THEN json_build_object('assigned', json_build_object(
        'officer', CAST(e.detail AS BIGINT),
        'name', COALESCE((SELECT full_name FROM users WHERE id = CAST(e.detail AS BIGINT)), '')))::text
    WHEN 'forwarded' THEN json_build_object('forwarded', json_build_object(
        'from', COALESCE((SELECT p.body_id FROM appeal_events p WHERE p.appeal_id = e.appeal_id
                          AND p.id < e.id AND p.body_id IS NOT NULL ORDER BY p.id DESC LIMIT 1), 0),
        'reason', substr(e.detail, strpos(e.detail, ': ') + 2)))::text
    WHEN 'resolved' THEN json_build_object('resolved', json_build_object(
        'resolution', split_part(e.detail, ': ', 1),
        'reason', substr(e.detail, strpos(e.detail, ': ') + 2)))::text
    WHEN 'consent' THEN json_build_object('consent', json_build_object(
        'role', split_part(split_part(e.detail, ': ', 2), ' · ', 1),
        'consent', e.detail LIKE 'consent:%',
        'person', substr(e.detail, strpos(e.detail, ' · ') + 3)))::text
    ELSE '"nothing"'
END;
