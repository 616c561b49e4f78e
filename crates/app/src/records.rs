//! The records as one principal sees them: [`Records`] is made only by [`crate::office::Office`]
//! for an authenticated [`Principal`], keeps the store, the principal and the audit actor private,
//! and every use case (in this module and its siblings) checks the principal's rights at the
//! agency concerned before it reads or writes.
//!
//! Lookups answer "not found" for a record of an agency the principal may not see, exactly as for
//! a missing one.

use chrono::NaiveDate;
use gongkai_store::{Agency, AgencyId, AgencySettings, AgencyUpdate, Ctx, Storage, Store};

use crate::auth::{Principal, Right, roles_with};
use crate::error::{AppError, Result};
use crate::office::{Office, now};

/// The records, for one principal.
#[derive(Debug, Clone)]
pub struct Records {
    office: Office,
    principal: Principal,
}

impl Records {
    pub(crate) fn new(office: Office, principal: Principal) -> Records {
        Records { office, principal }
    }

    /// Who acts.
    pub fn principal(&self) -> &Principal {
        &self.principal
    }

    /// The open database.
    pub fn office(&self) -> &Office {
        &self.office
    }

    /// Today in Beijing.
    pub fn today(&self) -> NaiveDate {
        self.office.today()
    }

    pub(crate) fn store(&self) -> &Store {
        &self.office.store
    }

    /// Who and when, for a write.
    pub(crate) fn ctx(&self) -> Ctx {
        Ctx { actor: self.principal.actor(), user: self.principal.user_id(), at: now() }
    }

    /// Refuses writes on a read-only database with a clear message.
    pub(crate) fn writable(&self) -> Result<()> {
        if self.office.read_only() {
            return Err(AppError::unavailable(format!(
                "数据库 {} 为只读（文件没有写权限）：只能查看，不能修改",
                self.office.location()
            )));
        }
        Ok(())
    }

    /// Every agency (for rights that reach below).
    pub(crate) async fn all_agencies(&self) -> Result<Vec<Agency>> {
        Ok(self.store().agencies().await?)
    }

    /// Whether the principal holds `right` at `agency`.
    pub async fn can(&self, right: Right, agency: &Agency) -> Result<bool> {
        Ok(self.principal.can(right, agency, &self.all_agencies().await?))
    }

    /// Refuses unless the principal holds `right` at `agency`: "not found" when they may not
    /// even see it, forbidden naming the roles that may otherwise.
    pub(crate) async fn require(&self, right: Right, agency: &Agency) -> Result<()> {
        let all = self.all_agencies().await?;
        if !self.principal.can(Right::Read, agency, &all) {
            return Err(agency_not_found(&agency.name));
        }
        if !self.principal.can(right, agency, &all) {
            return Err(AppError::forbidden(format!(
                "{}无权在“{}”{}（需要该机关的{}角色）",
                self.principal.name(),
                agency.name,
                right.label(),
                roles_with(right)
            )));
        }
        if !matches!(right, Right::Read | Right::ReadAudit | Right::Supervise) {
            self.writable()?;
        }
        Ok(())
    }

    /// The agencies the principal holds `right` at (all of them for the operator), by id.
    pub async fn agencies_with(&self, right: Right) -> Result<Vec<Agency>> {
        let all = self.all_agencies().await?;
        Ok(all.iter().filter(|a| self.principal.can(right, a, &all)).cloned().collect())
    }

    /// The agencies the principal may see.
    pub async fn agencies(&self) -> Result<Vec<Agency>> {
        self.agencies_with(Right::Read).await
    }

    /// An agency by its exact name or its id, if the principal may see it.
    pub async fn agency(&self, key: &str) -> Result<Agency> {
        let key = key.trim();
        let all = self.all_agencies().await?;
        let found = all
            .iter()
            .find(|a| a.name == key)
            .or_else(|| key.parse::<i64>().ok().and_then(|id| all.iter().find(|a| a.id == AgencyId(id))));
        match found {
            Some(a) if self.principal.can(Right::Read, a, &all) => Ok(a.clone()),
            _ => Err(agency_not_found(key)),
        }
    }

    /// An agency by id, if the principal may see it.
    pub async fn agency_by_id(&self, id: AgencyId) -> Result<Agency> {
        let all = self.all_agencies().await?;
        match all.iter().find(|a| a.id == id) {
            Some(a) if self.principal.can(Right::Read, a, &all) => Ok(a.clone()),
            _ => Err(agency_not_found(&id.to_string())),
        }
    }

    /// Agency names by id, of the agencies the principal may see (for listings).
    pub async fn agency_names(&self) -> Result<Vec<(AgencyId, String)>> {
        Ok(self.agencies().await?.into_iter().map(|a| (a.id, a.name)).collect())
    }

    /// Replaces an agency's settings (its administrators).
    pub async fn update_agency_settings(&self, agency: &Agency, settings: AgencySettings) -> Result<Agency> {
        self.require(Right::Administer, agency).await?;
        crate::letters::check_prefix(&settings.document_prefix).map_err(AppError::invalid)?;
        let legacy = crate::letters::legacy_prefix(self, agency).await?;
        let settings = carry_legacy_prefix(&agency.settings, settings, legacy.as_deref());
        let after = self.store().update_agency_settings(&self.ctx(), agency.id, settings).await?;
        self.drop_legacy_prefix(&after, legacy.is_some()).await?;
        Ok(after)
    }

    /// Renames an agency, sets the region of its calendar and its settings (its administrators).
    /// The region's calendar must load; the texts are trimmed and bounded.
    pub async fn update_agency(&self, agency: &Agency, update: AgencyUpdate) -> Result<Agency> {
        self.require(Right::Administer, agency).await?;
        let region = update.region.trim();
        if !region.is_empty() && region != agency.region {
            gongkai_calendar::Region::check_name(region).map_err(|e| AppError::invalid(e.to_string()))?;
            self.office.engine.check_region(region).map_err(AppError::invalid)?;
        }
        let s = &update.settings;
        for (label, v, max) in [
            ("机关名称", update.name.as_str(), 100),
            ("通信地址", s.address.as_str(), 200),
            ("联系电话", s.phone.as_str(), 60),
            ("办公时间", s.office_hours.as_str(), 200),
            ("发文字号前缀", s.document_prefix.as_str(), 40),
        ] {
            if v.trim().chars().count() > max {
                return Err(AppError::invalid(format!("{label}不能超过 {max} 个字")));
            }
        }
        if update.name.trim().is_empty() {
            return Err(AppError::invalid("机关名称不能为空"));
        }
        crate::letters::check_prefix(&s.document_prefix).map_err(AppError::invalid)?;
        let settings = AgencySettings {
            address: s.address.trim().to_string(),
            phone: s.phone.trim().to_string(),
            office_hours: s.office_hours.trim().to_string(),
            document_prefix: s.document_prefix.trim().to_string(),
            ..s.clone()
        };
        let legacy = crate::letters::legacy_prefix(self, agency).await?;
        let settings = carry_legacy_prefix(&agency.settings, settings, legacy.as_deref());
        let update = AgencyUpdate { name: update.name.trim().to_string(), region: region.to_string(), settings };
        let after = self.store().update_agency(&self.ctx(), agency.id, update).await?;
        self.drop_legacy_prefix(&after, legacy.is_some()).await?;
        Ok(after)
    }

    /// Once the settings hold the 机关代字, the copy an earlier version kept with the letter
    /// templates goes (one place for it). A separate transaction: should it fail, the settings'
    /// prefix already wins over the old row.
    async fn drop_legacy_prefix(&self, agency: &Agency, had: bool) -> Result<()> {
        if had && !agency.settings.document_prefix.is_empty() {
            self.store().set_letter_template(&self.ctx(), agency.id, crate::letters::LEGACY_PREFIX_KIND, None).await?;
        }
        Ok(())
    }

    /// Refuses unless the principal administers every agency (whole-database export, import,
    /// backup, migration): the operator, or an administrator of the top of every tree.
    pub(crate) async fn require_whole_database(&self, what: &str) -> Result<()> {
        let all = self.all_agencies().await?;
        if all.iter().all(|a| self.principal.can(Right::Administer, a, &all)) {
            return Ok(());
        }
        Err(AppError::forbidden(format!(
            "{}不是全部机关的系统管理员，不能{what}（本机操作员可用 --operator 运行）",
            self.principal.name()
        )))
    }
}

/// The settings to store: when neither the old nor the new settings name a 机关代字 and an
/// earlier version kept one with the letter templates, that one moves into the settings (the
/// agency's numbering does not change under it).
fn carry_legacy_prefix(old: &AgencySettings, mut new: AgencySettings, legacy: Option<&str>) -> AgencySettings {
    if let Some(p) = legacy
        && old.document_prefix.trim().is_empty()
        && new.document_prefix.trim().is_empty()
    {
        new.document_prefix = p.to_string();
    }
    new
}

/// The one answer for an agency that does not exist or may not be seen.
pub(crate) fn agency_not_found(key: &str) -> AppError {
    AppError::not_found(format!("未找到机关“{key}”（或无权查看）"))
}

/// Whether a key typed to look something up (a login, a 编号, a search) holds a control
/// character: such a key names nothing, and is never sent to the database (PostgreSQL refuses a
/// NUL in text).
pub(crate) fn unusable_key(key: &str) -> bool {
    key.chars().any(char::is_control)
}

/// A user by login; a login with a control character names no one.
pub(crate) async fn user_by_login(store: &Store, login: &str) -> Result<Option<gongkai_store::User>> {
    if unusable_key(login) {
        return Ok(None);
    }
    Ok(store.user_by_login(login).await?)
}
