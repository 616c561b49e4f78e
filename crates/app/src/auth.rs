//! Passwords (argon2id, a fresh salt per hash) and the authorisation rules that are not tied to one
//! record: who may see which agencies.

use argon2::Argon2;
use argon2::password_hash::phc::PasswordHash;
use argon2::password_hash::{PasswordHasher, PasswordVerifier};
use gongkai_store::{Agency, AgencyId, Role, RoleGrant, User};

/// Hashes a password to a PHC string (`$argon2id$v=19$…`).
pub fn hash_password(password: &str) -> anyhow::Result<String> {
    if password.chars().count() < 8 {
        anyhow::bail!("密码至少需要 8 个字符");
    }
    let hash = Argon2::default()
        .hash_password(password.as_bytes())
        .map_err(|e| anyhow::anyhow!("无法生成密码哈希：{e}"))?;
    Ok(hash.to_string())
}

/// Whether `password` matches the stored PHC string.
pub fn verify_password(password: &str, phc: &str) -> bool {
    match PasswordHash::new(phc) {
        Ok(h) => Argon2::default().verify_password(password.as_bytes(), &h).is_ok(),
        Err(_) => false,
    }
}

/// The agencies a user may read: those where they hold any role, and for a county supervisor
/// (read-only) or an administrator, every agency below too.
pub fn readable_agencies(grants: &[RoleGrant], all: &[Agency]) -> Vec<AgencyId> {
    let mut out: Vec<AgencyId> = Vec::new();
    for g in grants {
        if !out.contains(&g.agency) {
            out.push(g.agency);
        }
        if matches!(g.role, Role::CountySupervisor | Role::Administrator) {
            let mut frontier = vec![g.agency];
            while let Some(parent) = frontier.pop() {
                for a in all.iter().filter(|a| a.parent == Some(parent)) {
                    if !out.contains(&a.id) {
                        out.push(a.id);
                        frontier.push(a.id);
                    }
                }
            }
        }
    }
    out.sort();
    out
}

/// Whether a user may change records of an agency (a county supervisor only reads).
pub fn may_write(grants: &[RoleGrant], agency: AgencyId) -> bool {
    grants.iter().any(|g| g.agency == agency && !matches!(g.role, Role::CountySupervisor))
}

/// The agencies a user administers: those where they are administrator, and every agency below.
pub fn administered_agencies(grants: &[RoleGrant], all: &[Agency]) -> Vec<AgencyId> {
    let admin: Vec<RoleGrant> = grants.iter().filter(|g| g.role == Role::Administrator).cloned().collect();
    readable_agencies(&admin, all)
}

/// Who is acting on the records.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Acting {
    /// The local operator: no user named (the CLI without `$GONGKAI_USER`). Whoever can open the
    /// database file or URL can change it anyway, so the operator has administrator rights over
    /// every agency. The web layer always names an authenticated user.
    Operator,
    /// A user of the database, with the roles they hold.
    User {
        /// The user.
        user: User,
        /// Their roles.
        grants: Vec<RoleGrant>,
    },
}

impl Acting {
    /// The name used in messages: the login, or 本机操作员.
    pub fn name(&self) -> String {
        match self {
            Acting::Operator => "本机操作员".into(),
            Acting::User { user, .. } => format!("用户“{}”", user.login),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_password_verifies_against_its_own_hash_only() {
        let h = hash_password("正确的密码123").unwrap();
        assert!(h.starts_with("$argon2id$"));
        assert!(verify_password("正确的密码123", &h));
        assert!(!verify_password("错误的密码123", &h));
        assert!(hash_password("短").is_err());
    }
}
