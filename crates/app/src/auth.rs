//! Who acts, and what they may do.
//!
//! - Passwords: argon2id, a fresh salt per hash.
//! - [`Right`]s: what a use case needs. [`RIGHTS`] is the one table of which role holds which
//!   right (docs/STORAGE.md shows it, a test checks the two agree).
//! - [`Principal`]: an authenticated user with their roles, or the local operator asked for by
//!   name. Only [`crate::office::Office`] makes one (after a password, a session, or an explicit
//!   `--operator`), so a front end cannot make up a principal.
//!
//! A role held at an agency gives its rights there. A county supervisor's and an administrator's
//! roles reach the agencies below too (reading; administering). Nothing is allowed because nobody
//! said no: a right not in the table is refused.

use argon2::Argon2;
use argon2::password_hash::phc::PasswordHash;
use argon2::password_hash::{PasswordHasher, PasswordVerifier};
use gongkai_store::{Agency, AgencyId, Role, RoleGrant, User, UserId};

use crate::error::{AppError, Result};

/// The shortest password accepted.
pub const MIN_PASSWORD_CHARS: usize = 8;

/// Hashes a password to a PHC string (`$argon2id$v=19$…`).
pub fn hash_password(password: &str) -> Result<String> {
    if password.chars().count() < MIN_PASSWORD_CHARS {
        return Err(AppError::invalid(format!("密码至少需要 {MIN_PASSWORD_CHARS} 个字符")));
    }
    if password.chars().count() > 256 {
        return Err(AppError::invalid("密码过长（最多 256 个字符）"));
    }
    let hash = Argon2::default()
        .hash_password(password.as_bytes())
        .map_err(|_| AppError::new(crate::error::ErrorKind::Internal, "无法生成密码哈希"))?;
    Ok(hash.to_string())
}

/// Whether `password` matches the stored PHC string.
pub fn verify_password(password: &str, phc: &str) -> bool {
    match PasswordHash::new(phc) {
        Ok(h) => Argon2::default().verify_password(password.as_bytes(), &h).is_ok(),
        Err(_) => false,
    }
}

/// What a use case needs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Right {
    /// See the agency's records.
    Read,
    /// Register applications (intake, a single case, a ledger import).
    Register,
    /// Handle a case: correction notices, consultations, fees, the reply, a withdrawal; ask for
    /// an extension.
    Handle,
    /// Assign the case officer.
    Assign,
    /// Approve or refuse an extension (Art. 33: the head of the disclosure office).
    ApproveExtension,
    /// Correct a record (with a reason, in the audit log).
    Correct,
    /// Void a record (with a reason).
    Void,
    /// Appeals, the register of documents, the year's typed-in counts.
    EditRegister,
    /// The annual report's draft: generate and save, its text.
    EditReport,
    /// Lock the annual report.
    LockReport,
    /// Publish the annual report (not the one who locked it).
    PublishReport,
    /// Users, roles, agencies and their settings.
    Administer,
    /// Read the audit log.
    ReadAudit,
    /// 县级督查: the year's view of the agencies below (reports collected, missing, with errors,
    /// published; their 汇总). Reading only.
    Supervise,
}

impl Right {
    /// Every right, in the order of the table.
    pub const ALL: [Right; 14] = [
        Right::Read,
        Right::Register,
        Right::Handle,
        Right::Assign,
        Right::ApproveExtension,
        Right::Correct,
        Right::Void,
        Right::EditRegister,
        Right::EditReport,
        Right::LockReport,
        Right::PublishReport,
        Right::Administer,
        Right::ReadAudit,
        Right::Supervise,
    ];

    /// What the right lets one do, in Chinese (for messages and the docs' table).
    pub fn label(self) -> &'static str {
        match self {
            Right::Read => "查看记录",
            Right::Register => "登记申请",
            Right::Handle => "办理申请",
            Right::Assign => "分派承办人",
            Right::ApproveExtension => "审批延期答复",
            Right::Correct => "更正记录",
            Right::Void => "作废记录",
            Right::EditRegister => "登记复议诉讼、文件和年度数量",
            Right::EditReport => "编制年度报告",
            Right::LockReport => "锁定年度报告",
            Right::PublishReport => "发布年度报告",
            Right::Administer => "管理用户、角色和机关",
            Right::ReadAudit => "查看审计日志",
            Right::Supervise => "督查下级机关的年度报告",
        }
    }
}

/// Which role holds which right (the one table; docs/STORAGE.md prints it).
pub const RIGHTS: &[(RoleKind, &[Right])] = &[
    (
        RoleKind::Registrar,
        &[Right::Read, Right::Register, Right::EditRegister, Right::EditReport, Right::LockReport],
    ),
    (
        RoleKind::CaseOfficer,
        &[Right::Read, Right::Register, Right::Handle, Right::Correct, Right::EditRegister],
    ),
    (
        RoleKind::OfficeHead,
        &[
            Right::Read,
            Right::Register,
            Right::Handle,
            Right::Assign,
            Right::ApproveExtension,
            Right::Correct,
            Right::Void,
            Right::EditRegister,
            Right::EditReport,
            Right::LockReport,
            Right::PublishReport,
            Right::ReadAudit,
        ],
    ),
    (RoleKind::Reviewer, &[Right::Read]),
    (RoleKind::Leader, &[Right::Read, Right::PublishReport]),
    (RoleKind::CountySupervisor, &[Right::Read, Right::ReadAudit, Right::Supervise]),
    (RoleKind::Administrator, &[Right::Read, Right::Administer, Right::ReadAudit]),
];

/// A role without its stage number (all reviewer stages have the same rights here; the review
/// chain of proactive disclosure tells them apart).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum RoleKind {
    /// 登记员.
    Registrar,
    /// 承办人.
    CaseOfficer,
    /// 办公室负责人.
    OfficeHead,
    /// 审核人 (any stage).
    Reviewer,
    /// 领导.
    Leader,
    /// 县级督查.
    CountySupervisor,
    /// 系统管理员.
    Administrator,
}

impl RoleKind {
    /// The kind of a role.
    pub fn of(role: Role) -> RoleKind {
        match role {
            Role::Registrar => RoleKind::Registrar,
            Role::CaseOfficer => RoleKind::CaseOfficer,
            Role::OfficeHead => RoleKind::OfficeHead,
            Role::Reviewer(_) => RoleKind::Reviewer,
            Role::Leader => RoleKind::Leader,
            Role::CountySupervisor => RoleKind::CountySupervisor,
            Role::Administrator => RoleKind::Administrator,
        }
    }

    /// Whether grants of this role reach the agencies below the one they are held at.
    pub fn reaches_below(self) -> bool {
        matches!(self, RoleKind::CountySupervisor | RoleKind::Administrator)
    }
}

/// [`RIGHTS`] as the Markdown table docs/STORAGE.md shows (a test keeps the two equal).
pub fn rights_table_markdown() -> String {
    let roles: [(RoleKind, &str); 7] = [
        (RoleKind::Registrar, "登记员 registrar"),
        (RoleKind::CaseOfficer, "承办人 case_officer"),
        (RoleKind::OfficeHead, "办公室负责人 office_head"),
        (RoleKind::Reviewer, "审核人 reviewer_N"),
        (RoleKind::Leader, "领导 leader"),
        (RoleKind::CountySupervisor, "县级督查 county_supervisor ¹"),
        (RoleKind::Administrator, "系统管理员 administrator ¹"),
    ];
    let mut out = String::from("| 权限 |");
    for (_, name) in &roles {
        out.push_str(&format!(" {name} |"));
    }
    out.push_str("\n|---|");
    out.push_str(&"---|".repeat(roles.len()));
    out.push('\n');
    for right in Right::ALL {
        out.push_str(&format!("| {} |", right.label()));
        for (kind, _) in &roles {
            let has = RIGHTS.iter().any(|(k, rights)| k == kind && rights.contains(&right));
            out.push_str(if has { " ✓ |" } else { "  |" });
        }
        out.push('\n');
    }
    out
}

/// Whether `role` holds `right` (by [`RIGHTS`]).
pub fn role_has(role: Role, right: Right) -> bool {
    let kind = RoleKind::of(role);
    RIGHTS.iter().any(|(k, rights)| *k == kind && rights.contains(&right))
}

/// The roles that hold a right, in Chinese, for a refusal message.
pub fn roles_with(right: Right) -> String {
    RIGHTS
        .iter()
        .filter(|(_, rights)| rights.contains(&right))
        .map(|(k, _)| match k {
            RoleKind::Registrar => "登记员",
            RoleKind::CaseOfficer => "承办人",
            RoleKind::OfficeHead => "办公室负责人",
            RoleKind::Reviewer => "审核人",
            RoleKind::Leader => "领导",
            RoleKind::CountySupervisor => "县级督查",
            RoleKind::Administrator => "系统管理员",
        })
        .collect::<Vec<_>>()
        .join("、")
}

/// Who acts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Principal {
    who: Who,
    grants: Vec<RoleGrant>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Who {
    /// The local operator, asked for by name (`--operator`): whoever can open the database file
    /// or URL can change it anyway, so the operator may do what the records allow, except what
    /// only a named person may do (approve an extension).
    Operator { system_user: String },
    /// A user who logged in (password or session).
    User(User),
}

impl Principal {
    pub(crate) fn operator(system_user: &str) -> Principal {
        let system_user = system_user.trim();
        let system_user = if system_user.is_empty() { "unknown" } else { system_user };
        Principal { who: Who::Operator { system_user: system_user.to_string() }, grants: Vec::new() }
    }

    pub(crate) fn user(user: User, grants: Vec<RoleGrant>) -> Principal {
        Principal { who: Who::User(user), grants }
    }

    /// The audit log's name for the principal: the login, or `operator:<system user>`.
    pub fn actor(&self) -> String {
        match &self.who {
            Who::Operator { system_user } => format!("operator:{system_user}"),
            Who::User(u) => u.login.clone(),
        }
    }

    /// The user, unless this is the local operator.
    pub fn user_account(&self) -> Option<&User> {
        match &self.who {
            Who::User(u) => Some(u),
            Who::Operator { .. } => None,
        }
    }

    /// The user's id, unless this is the local operator.
    pub fn user_id(&self) -> Option<UserId> {
        self.user_account().map(|u| u.id)
    }

    /// Whether this is the local operator.
    pub fn is_operator(&self) -> bool {
        matches!(self.who, Who::Operator { .. })
    }

    /// The roles held.
    pub fn grants(&self) -> &[RoleGrant] {
        &self.grants
    }

    /// The name used in messages: 用户“login”, or 本机操作员.
    pub fn name(&self) -> String {
        match &self.who {
            Who::Operator { .. } => "本机操作员".into(),
            Who::User(u) => format!("用户“{}”", u.login),
        }
    }

    /// Whether the principal holds `right` at `agency` (`all` is the agency tree, for roles that
    /// reach below).
    pub fn can(&self, right: Right, agency: &Agency, all: &[Agency]) -> bool {
        if self.is_operator() {
            return right != Right::ApproveExtension;
        }
        self.grants.iter().any(|g| {
            role_has(g.role, right)
                && (g.agency == agency.id || (RoleKind::of(g.role).reaches_below() && is_below(agency, g.agency, all)))
        })
    }

    /// The agencies where the principal holds `right` (`None`: every agency, for the operator).
    pub fn agencies_with(&self, right: Right, all: &[Agency]) -> Option<Vec<AgencyId>> {
        if self.is_operator() {
            return (right != Right::ApproveExtension).then(|| all.iter().map(|a| a.id).collect());
        }
        Some(all.iter().filter(|a| self.can(right, a, all)).map(|a| a.id).collect())
    }
}

/// Whether `agency` is strictly below `ancestor` in the tree.
pub fn is_below(agency: &Agency, ancestor: AgencyId, all: &[Agency]) -> bool {
    let mut parent = agency.parent;
    let mut steps = 0;
    while let Some(p) = parent {
        if p == ancestor {
            return true;
        }
        steps += 1;
        if steps > all.len() {
            return false;
        }
        parent = all.iter().find(|a| a.id == p).and_then(|a| a.parent);
    }
    false
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
