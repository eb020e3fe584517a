//! Background jobs of the server process. Each is safe to run on several instances at once
//! (work is leased in the database) and stops with the server.

use services::Services;
use std::time::Duration;
use tokio::task::JoinHandle;

/// The running jobs; [`Jobs::stop`] ends them.
pub struct Jobs {
    stop: tokio::sync::watch::Sender<bool>,
    handles: Vec<JoinHandle<()>>,
}

impl Jobs {
    pub async fn stop(self) {
        let _ = self.stop.send(true);
        for handle in self.handles {
            let _ = handle.await;
        }
    }
}

pub fn spawn(services: Services) -> Jobs {
    let (stop, stopped) = tokio::sync::watch::channel(false);
    let mut handles = vec![
        tokio::spawn(sms_outbox(services.clone(), stopped.clone())),
        tokio::spawn(payme_timeouts(services.clone(), stopped.clone())),
        tokio::spawn(appeal_escalations(services.clone(), stopped.clone())),
        tokio::spawn(reception_reminders(services.clone(), stopped.clone())),
        tokio::spawn(keeping_terms(services.clone(), stopped.clone())),
        tokio::spawn(purge(services.clone(), stopped.clone())),
        tokio::spawn(services::live::relay(services.clone(), stopped.clone())),
    ];
    if let Some(telegram) = services.telegram.clone() {
        handles.push(tokio::spawn(telegram_outbox(
            services.clone(),
            telegram.clone(),
            stopped.clone(),
        )));
        handles.push(tokio::spawn(telegram_updates(services, telegram, stopped)));
    }
    Jobs { stop, handles }
}

/// Delivers the bot's messages, paced: one instance at a time holds the sender's lease (so
/// the rate is the installation's, not each instance's).
async fn telegram_outbox(
    services: Services,
    telegram: services::telegram::Telegram,
    mut stopped: tokio::sync::watch::Receiver<bool>,
) {
    let holder = services::secret::token();
    let mut sender = services::telegram::outbox::Sender::default();
    loop {
        let mut more = false;
        match services::telegram::outbox::hold_lease(&services, "telegram_sender", &holder, 15_000).await {
            Ok(true) => {
                match services::telegram::outbox::deliver_due(&services, &telegram, &mut sender, 100).await {
                    Ok(n) => more = n > 0,
                    Err(error) => tracing::warn!(%error, "Telegram outbox job failed; will retry"),
                }
            }
            Ok(false) => {}
            Err(error) => tracing::warn!(%error, "Telegram sender lease failed; will retry"),
        }
        if more {
            if *stopped.borrow() {
                return;
            }
            continue;
        }
        // A chat's next message may wait for its pace: look again within that time.
        let idle = telegram.pace.per_chat.min(Duration::from_millis(500));
        tokio::select! {
            _ = telegram.wakeup.notified() => {}
            _ = tokio::time::sleep(idle) => {}
            _ = stopped.changed() => return,
        }
    }
}

/// How updates arrive: in production Telegram is told the webhook (retried until it takes
/// it); in development the bot long-polls (after removing any webhook).
async fn telegram_updates(
    services: Services,
    telegram: services::telegram::Telegram,
    mut stopped: tokio::sync::watch::Receiver<bool>,
) {
    use teloxide_core::payloads::{GetUpdatesSetters, SetWebhookSetters};
    use teloxide_core::requests::Requester;
    if !services.development {
        let url = format!("{}/telegram/webhook", services.public_url);
        loop {
            let Ok(parsed) = reqwest::Url::parse(&url) else {
                tracing::error!(url, "the Telegram webhook address is not a URL");
                return;
            };
            let request = telegram
                .bot
                .set_webhook(parsed)
                .secret_token(telegram.webhook_secret.to_string());
            match std::future::IntoFuture::into_future(request).await {
                Ok(_) => {
                    tracing::info!(url, "Telegram webhook set");
                    return;
                }
                Err(error) => tracing::warn!(%error, "setWebhook failed; will retry"),
            }
            tokio::select! {
                _ = tokio::time::sleep(Duration::from_secs(30)) => {}
                _ = stopped.changed() => return,
            }
        }
    }
    if let Err(error) = std::future::IntoFuture::into_future(telegram.bot.delete_webhook()).await {
        tracing::warn!(%error, "deleteWebhook failed");
    }
    let mut offset: i32 = 0;
    loop {
        let request = telegram.bot.get_updates().offset(offset).timeout(25);
        let updates = tokio::select! {
            updates = std::future::IntoFuture::into_future(request) => updates,
            _ = stopped.changed() => return,
        };
        match updates {
            Ok(updates) => {
                for update in updates {
                    offset = offset.max(update.id.0 as i32 + 1);
                    if let Err(error) = services::telegram::handle(&services, &telegram, &update).await {
                        tracing::warn!(%error, "Telegram update not taken");
                    }
                }
            }
            Err(error) => {
                tracing::warn!(%error, "getUpdates failed; will retry");
                tokio::select! {
                    _ = tokio::time::sleep(Duration::from_secs(5)) => {}
                    _ = stopped.changed() => return,
                }
            }
        }
    }
}

/// Delivers queued SMS: at once when woken by a new message, and every few seconds for
/// retries that have come due.
async fn sms_outbox(services: Services, mut stopped: tokio::sync::watch::Receiver<bool>) {
    loop {
        match services::sms::deliver_due(&services.db, services.sms.as_ref(), services.clock.now_ms(), 20)
            .await
        {
            Ok(n) if n > 0 => continue,
            Ok(_) => {}
            Err(error) => tracing::warn!(%error, "SMS outbox job failed; will retry"),
        }
        tokio::select! {
            _ = services.sms_wakeup.notified() => {}
            _ = tokio::time::sleep(Duration::from_secs(2)) => {}
            _ = stopped.changed() => return,
        }
    }
}

/// Every hour: delivered messages, ended codes and sessions, old rate-limit events go.
async fn purge(services: Services, mut stopped: tokio::sync::watch::Receiver<bool>) {
    loop {
        if let Err(error) = services::telegram::purge_old(&services, services.clock.now_ms()).await {
            tracing::warn!(%error, "Telegram purge failed; will retry");
        }
        match services::sms::purge_old(&services.db, services.clock.now_ms()).await {
            Ok(n) if n > 0 => tracing::info!(rows = n, "old messages, codes and sessions removed"),
            Ok(_) => {}
            Err(error) => tracing::warn!(%error, "purge job failed; will retry"),
        }
        tokio::select! {
            _ = tokio::time::sleep(Duration::from_secs(3600)) => {}
            _ = stopped.changed() => return,
        }
    }
}

/// Cancels Payme transactions left unperformed for 12 hours (every call checks too).
async fn payme_timeouts(services: Services, mut stopped: tokio::sync::watch::Receiver<bool>) {
    loop {
        if let Err(error) = services::payments::payme::expire_overdue(&services).await {
            tracing::warn!(%error, "Payme timeout job failed; will retry");
        }
        tokio::select! {
            _ = tokio::time::sleep(Duration::from_secs(60)) => {}
            _ = stopped.changed() => return,
        }
    }
}

/// The control-time regime: every minute, overdue appeals pass to their parent bodies
/// (safe with several instances: each move is conditional on the term it ends).
async fn appeal_escalations(services: Services, mut stopped: tokio::sync::watch::Receiver<bool>) {
    loop {
        match services::appeals::escalate_overdue(&services, 500).await {
            Ok(500) => continue,
            Ok(_) => {}
            Err(error) => tracing::warn!(%error, "appeal escalation job failed; will retry"),
        }
        tokio::select! {
            _ = tokio::time::sleep(Duration::from_secs(60)) => {}
            _ = stopped.changed() => return,
        }
    }
}

/// Every minute: the day-before reminders of reception bookings (each goes out once,
/// however many instances run this).
async fn reception_reminders(services: Services, mut stopped: tokio::sync::watch::Receiver<bool>) {
    loop {
        match services::receptions::remind_due(&services, 500).await {
            Ok(500) => continue,
            Ok(_) => {}
            Err(error) => tracing::warn!(%error, "reception reminder job failed; will retry"),
        }
        tokio::select! {
            _ = tokio::time::sleep(Duration::from_secs(60)) => {}
            _ = stopped.changed() => return,
        }
    }
}

/// Every minute: officers reminded of terms about to end, heads told of appeals nobody
/// triaged within a working day, owners of hearings' decisions reminded (each once, however
/// many instances run this); the rating of a half-year that closed frozen, and the
/// proposals to the Cabinet of Ministers opened and reminded of.
async fn keeping_terms(services: Services, mut stopped: tokio::sync::watch::Receiver<bool>) {
    loop {
        let mut more = false;
        for done in [
            services::appeals::terms::remind_before_due(&services, 500).await,
            services::appeals::terms::flag_untriaged(&services, 500).await,
            services::reports::hearings::remind_decisions(&services, 500).await,
            // A closed half-year's rating frozen, the quarter's register of proposals opened
            // and its heads reminded (a few lines a minute: never "more").
            services::reports::rating::freeze_closed(&services)
                .await
                .map(|_| 0),
            services::reports::hearings::remind_proposals(&services)
                .await
                .map(|_| 0),
        ] {
            match done {
                Ok(n) => more |= n == 500,
                Err(error) => tracing::warn!(%error, "keeping terms failed; will retry"),
            }
        }
        if more {
            continue;
        }
        tokio::select! {
            _ = tokio::time::sleep(Duration::from_secs(60)) => {}
            _ = stopped.changed() => return,
        }
    }
}
