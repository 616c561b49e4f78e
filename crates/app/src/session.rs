//! Web sessions: a login makes a random token (the cookie) and a CSRF token; the database keeps
//! only the token's SHA-256. A session ends at logout, after [`IDLE_MINUTES`] without a request,
//! or after [`MAX_HOURS`] whatever happens; a password change or a disabled account ends all of a
//! user's sessions.

use chrono::{DateTime, Duration, Utc};
use gongkai_store::{Ctx, SessionRow, Storage};

use crate::error::{AppError, Result};
use crate::office::{Office, now};
use crate::records::Records;
use crate::token;

/// A session ends after this long without a request.
pub const IDLE_MINUTES: i64 = 30;
/// …and after this long in any case.
pub const MAX_HOURS: i64 = 12;
/// Activity is written back at most this often (reads stay reads).
const TOUCH_SECONDS: i64 = 60;

/// A session just started: the token for the cookie, and its CSRF token.
#[derive(Debug, Clone)]
pub struct NewSession {
    /// The cookie's value (shown once, never stored).
    pub token: String,
    /// The CSRF token the forms carry.
    pub csrf: String,
}

/// What a request learns from its session.
#[derive(Debug, Clone)]
pub struct Resumed {
    /// The records as the session's user.
    pub records: Records,
    /// The CSRF token the session's forms must carry.
    pub csrf: String,
}

fn parse(t: &str) -> Option<DateTime<Utc>> {
    DateTime::parse_from_rfc3339(t).ok().map(|t| t.to_utc())
}

fn expired() -> AppError {
    AppError::unauthenticated("登录已过期，请重新登录")
}

impl Office {
    /// Logs in with a password and starts a session.
    pub async fn start_session(&self, login: &str, password: &str) -> Result<(Records, NewSession)> {
        let records = self.login(login, password).await?;
        let Some(user) = records.principal().user_account().cloned() else {
            return Err(AppError::unauthenticated("本机操作员不能登录网页"));
        };
        let token = token::secret()?;
        let csrf = token::secret()?;
        let t = now();
        let row = SessionRow {
            token_hash: token::digest(&token),
            user: user.id,
            csrf: csrf.clone(),
            created_at: t.to_rfc3339(),
            last_seen: t.to_rfc3339(),
            expires_at: (t + Duration::minutes(IDLE_MINUTES)).to_rfc3339(),
        };
        let ctx = Ctx { actor: user.login.clone(), user: Some(user.id), at: t };
        self.store.create_session(&ctx, row).await?;
        Ok((records, NewSession { token, csrf }))
    }

    /// The records of a session's user, if the session is alive (moves its idle expiry).
    pub async fn resume_session(&self, token: &str) -> Result<Resumed> {
        if token.len() != 64 {
            return Err(expired());
        }
        let hash = token::digest(token);
        let Some(row) = self.store.session(&hash).await? else { return Err(expired()) };
        let t = now();
        let (Some(expires), Some(created), Some(seen)) = (parse(&row.expires_at), parse(&row.created_at), parse(&row.last_seen))
        else {
            return Err(expired());
        };
        if expires <= t || created + Duration::hours(MAX_HOURS) <= t {
            return Err(expired());
        }
        let user = self.store.user(row.user).await?;
        let records = self.principal_for(user).await?;
        if (t - seen).num_seconds() >= TOUCH_SECONDS && !self.read_only() {
            let until = (t + Duration::minutes(IDLE_MINUTES)).min(created + Duration::hours(MAX_HOURS));
            self.store.touch_session(&hash, &t.to_rfc3339(), &until.to_rfc3339()).await?;
        }
        Ok(Resumed { records, csrf: row.csrf })
    }

    /// Logs out: the session ends (and any expired ones are dropped).
    pub async fn end_session(&self, rec: &Records, token: &str) -> Result<()> {
        let t = now();
        let ctx = Ctx { actor: rec.principal().actor(), user: rec.principal().user_id(), at: t };
        self.store.end_sessions(&ctx, Some(&token::digest(token)), None, &t.to_rfc3339()).await?;
        Ok(())
    }

    /// Ends every session of a user (after a password change, a reset, or disabling).
    pub(crate) async fn end_sessions_of(&self, rec: &Records, user: gongkai_store::UserId) -> Result<()> {
        let t = now();
        let ctx = Ctx { actor: rec.principal().actor(), user: rec.principal().user_id(), at: t };
        self.store.end_sessions(&ctx, None, Some(user), &t.to_rfc3339()).await?;
        Ok(())
    }
}
