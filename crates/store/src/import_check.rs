//! Validation of a whole-database import, row by row as the file is read (docs/STORAGE.md,
//! "Export and import"): column types, codes, dates and timestamps, the JSON columns, references
//! between tables (parents come first in the file), the structure of every timeline, the
//! separation of duties of every extension, the audit chain, and the row counts of the trailer.
//! Every message names the line of the file.
//!
//! The rules are those the store enforces when it writes, so that an import can only load what
//! gongkai could have written itself: a hand-edited or truncated file is refused whole.

use std::collections::{HashMap, HashSet};

use chrono::NaiveDate;
use serde_json::{Map, Value};

use crate::audit::Verifier;
use crate::model::*;
use crate::timeline::check_structure;
use crate::transfer::{Col, TableSpec};
use crate::StoreError;

type Row = Map<String, Value>;

/// What an application's rows tell the rows after them.
#[derive(Debug)]
struct CaseFacts {
    agency: i64,
    officer: Option<i64>,
    received_on: NaiveDate,
    closed_on: Option<NaiveDate>,
    closing: Option<Closing>,
    line: usize,
}

/// The running check of one import.
#[derive(Debug)]
pub(crate) struct ImportCheck {
    agencies: HashSet<i64>,
    agency_names: HashSet<String>,
    users: HashSet<i64>,
    logins: HashSet<String>,
    roles: HashSet<(i64, i64, String)>,
    cases: HashMap<i64, CaseFacts>,
    numbers: HashSet<(i64, String)>,
    /// The application whose events are being read, and its events so far.
    timeline: Option<(i64, Vec<Event>)>,
    checked_timelines: HashSet<i64>,
    /// Extension approvers without the office-head role now, with the line: the log must show
    /// that they were granted it (roles change with staff; the approval stays valid).
    approvals_to_confirm: Vec<(i64, i64, usize)>,
    granted_heads: HashSet<(i64, i64)>,
    extensions: HashSet<i64>,
    appeals: HashSet<i64>,
    documents: HashSet<i64>,
    doc_numbers: HashSet<(i64, String)>,
    counts: HashSet<(i64, i64)>,
    reports: HashSet<i64>,
    report_years: HashSet<(i64, i64)>,
    corrections: HashSet<i64>,
    templates: HashSet<(i64, String)>,
    /// The last document number taken per agency and year.
    doc_sequences: HashMap<(i64, i64), i64>,
    letters: HashSet<i64>,
    letter_numbers: HashSet<(i64, i64, i64)>,
    chain: Option<Verifier>,
    head: Option<(i64, String)>,
    /// Rows read per table.
    pub rows: HashMap<&'static str, u64>,
}

fn err(line: usize, table: &str, msg: impl std::fmt::Display) -> StoreError {
    StoreError::Format(format!("第 {line} 行（{table}）：{msg}"))
}

impl ImportCheck {
    pub fn new() -> ImportCheck {
        ImportCheck {
            agencies: HashSet::new(),
            agency_names: HashSet::new(),
            users: HashSet::new(),
            logins: HashSet::new(),
            roles: HashSet::new(),
            cases: HashMap::new(),
            numbers: HashSet::new(),
            timeline: None,
            checked_timelines: HashSet::new(),
            approvals_to_confirm: Vec::new(),
            granted_heads: HashSet::new(),
            extensions: HashSet::new(),
            appeals: HashSet::new(),
            documents: HashSet::new(),
            doc_numbers: HashSet::new(),
            counts: HashSet::new(),
            reports: HashSet::new(),
            report_years: HashSet::new(),
            corrections: HashSet::new(),
            templates: HashSet::new(),
            doc_sequences: HashMap::new(),
            letters: HashSet::new(),
            letter_numbers: HashSet::new(),
            chain: Some(Verifier::new()),
            head: None,
            rows: HashMap::new(),
        }
    }

    /// Checks one row (line `line` of the file).
    pub fn row(&mut self, t: &'static TableSpec, row: &Row, line: usize) -> Result<(), StoreError> {
        let r = Cells { t, row, line };
        r.types()?;
        *self.rows.entry(t.name).or_insert(0) += 1;
        if t.name != "application_events" {
            self.end_timeline()?;
        }
        match t.name {
            "agencies" => self.agency(&r),
            "users" => self.user(&r),
            "user_roles" => {
                let (u, a, role) = (r.int("user_id")?, r.int("agency_id")?, r.text("role")?);
                r.refers(&self.users, u, "user_id", "用户")?;
                r.refers(&self.agencies, a, "agency_id", "机关")?;
                if Role::from_code(role).is_none() {
                    return Err(r.bad("role", "不是有效的角色代码"));
                }
                r.unique(self.roles.insert((u, a, role.to_string())), "同一用户在同一机关的同一角色重复")
            }
            "applications" => self.application(&r),
            "application_events" => self.event(&r),
            "extension_requests" => self.extension(&r),
            "appeals" => self.appeal(&r),
            "register_documents" => self.document(&r),
            "yearly_counts" => {
                let (a, y) = (r.int("agency_id")?, r.int("year")?);
                r.refers(&self.agencies, a, "agency_id", "机关")?;
                if !(1900..=9999).contains(&y) {
                    return Err(r.bad("year", "不是有效的年份"));
                }
                for c in ["admin_licensing", "admin_penalty", "admin_coercion"] {
                    if r.opt_int(c)?.is_some_and(|n| n < 0) {
                        return Err(r.bad(c, "不能为负数"));
                    }
                }
                if let Some(f) = r.opt_text("admin_fees_wan")?
                    && !plain_decimal(f)
                {
                    return Err(r.bad("admin_fees_wan", "不是有效的万元数"));
                }
                r.unique(self.counts.insert((a, y)), "同一机关同一年度的数量重复")
            }
            "annual_reports" => {
                let (id, a, y) = (r.int("id")?, r.int("agency_id")?, r.int("year")?);
                r.refers(&self.agencies, a, "agency_id", "机关")?;
                r.code("status", ReportStatus::from_code)?;
                r.json("content")?;
                r.timestamp("updated_at")?;
                r.unique(self.reports.insert(id), "id 重复")?;
                r.unique(self.report_years.insert((a, y)), "同一机关同一年度的年报重复")
            }
            "report_corrections" => {
                r.refers(&self.reports, r.int("report_id")?, "report_id", "年度报告")?;
                r.timestamp("corrected_at")?;
                r.json("before_json")?;
                r.unique(self.corrections.insert(r.int("id")?), "id 重复")
            }
            "letter_templates" => {
                let a = r.int("agency_id")?;
                r.refers(&self.agencies, a, "agency_id", "机关")?;
                let kind = r.nonempty("kind")?.to_string();
                r.text("body")?;
                r.timestamp("updated_at")?;
                r.unique(self.templates.insert((a, kind)), "同一机关同一种文书的模板重复")
            }
            "document_numbers" => {
                let (a, y, last) = (r.int("agency_id")?, r.int("year")?, r.int("last")?);
                r.refers(&self.agencies, a, "agency_id", "机关")?;
                if last < 0 {
                    return Err(r.bad("last", "不能为负数"));
                }
                r.unique(self.doc_sequences.insert((a, y), last).is_none(), "同一机关同一年度的文号序列重复")
            }
            "letters" => {
                let (id, app, a) = (r.int("id")?, r.int("application_id")?, r.int("agency_id")?);
                let case_agency = self.cases.get(&app).map(|c| c.agency);
                if case_agency.is_none() {
                    return Err(r.bad("application_id", "引用的申请不存在"));
                }
                if case_agency != Some(a) {
                    return Err(r.bad("agency_id", "与所属申请的机关不一致"));
                }
                let (y, seq) = (r.int("year")?, r.int("seq")?);
                // A number is never issued beyond the agency's sequence for the year.
                if self.doc_sequences.get(&(a, y)).is_none_or(|last| seq < 1 || seq > *last) {
                    return Err(r.bad("seq", "文号序号超出该机关该年度已取的号"));
                }
                r.nonempty("kind")?;
                r.nonempty("doc_number")?;
                r.date("issued_on")?;
                r.timestamp("created_at")?;
                r.unique(self.letter_numbers.insert((a, y, seq)), "同一机关同一年度的文号重复")?;
                r.unique(self.letters.insert(id), "id 重复")
            }
            "audit_log" => self.audit_entry(&r),
            "audit_head" => {
                if r.int("id")? != 1 || self.head.is_some() {
                    return Err(r.bad("id", "链头只有一行（id 为 1）"));
                }
                self.head = Some((r.int("seq")?, r.text("hash")?.to_string()));
                Ok(())
            }
            _ => Ok(()),
        }
    }

    fn agency(&mut self, r: &Cells<'_>) -> Result<(), StoreError> {
        let id = r.int("id")?;
        r.code("level", AgencyLevel::from_code)?;
        if let Some(p) = r.opt_int("parent_id")? {
            r.refers(&self.agencies, p, "parent_id", "上级机关")?;
        }
        let name = r.nonempty("name")?;
        let settings = r.text("settings")?;
        serde_json::from_str::<AgencySettings>(settings).map_err(|e| r.bad("settings", format!("不是有效的机关设置（第 {} 列附近）", e.column())))?;
        r.timestamp("created_at")?;
        r.unique(self.agency_names.insert(name.to_string()), "机关名称重复")?;
        r.unique(self.agencies.insert(id), "id 重复")
    }

    fn user(&mut self, r: &Cells<'_>) -> Result<(), StoreError> {
        let login = r.nonempty("login")?;
        r.timestamp("created_at")?;
        if !matches!(r.int("disabled")?, 0 | 1) {
            return Err(r.bad("disabled", "应为 0 或 1"));
        }
        if r.int("failed_logins")? < 0 {
            return Err(r.bad("failed_logins", "不能为负数"));
        }
        r.opt_timestamp("locked_until")?;
        r.unique(self.logins.insert(login.to_string()), "登录名重复")?;
        r.unique(self.users.insert(r.int("id")?), "id 重复")
    }

    fn application(&mut self, r: &Cells<'_>) -> Result<(), StoreError> {
        let id = r.int("id")?;
        let agency = r.int("agency_id")?;
        r.refers(&self.agencies, agency, "agency_id", "机关")?;
        let number = r.nonempty("number")?;
        r.code("applicant_kind", ApplicantKind::from_code)?;
        r.nonempty("applicant_name")?;
        r.code("channel", Channel::from_code)?;
        r.nonempty("content")?;
        let officer = r.opt_int("case_officer_id")?;
        if let Some(u) = officer {
            r.refers(&self.users, u, "case_officer_id", "用户")?;
        }
        let received_on = r.date("received_on")?;
        let state = CaseState::parse_code(r.text("state")?).map_err(|_| r.bad("state", "不是有效的状态代码"))?;
        for c in ["due_on", "pause_due_on", "next_due_on"] {
            r.opt_date(c)?;
        }
        let closed_on = r.opt_date("closed_on")?;
        let outcome = match r.opt_text("outcome")? {
            Some(o) => Some(Outcome::from_code(o).ok_or_else(|| r.bad("outcome", "不是有效的办理结果代码"))?),
            None => None,
        };
        if closed_on.is_some() != outcome.is_some() || closed_on.is_some() != (state == CaseState::Closed) {
            return Err(r.bad("closed_on", "办结日期、办理结果和状态互不一致"));
        }
        if closed_on.is_some_and(|c| c < received_on) {
            return Err(r.bad("closed_on", "办结日期早于收到申请之日"));
        }
        if r.int("version")? < 1 {
            return Err(r.bad("version", "版本号应从 1 起"));
        }
        r.timestamp("created_at")?;
        r.timestamp("updated_at")?;
        r.opt_timestamp("voided_at")?;
        let closing = outcome.map(|outcome| -> Result<Closing, StoreError> {
            Ok(Closing {
                outcome,
                reply_type: r.text("reply_type")?.to_string(),
                legal_basis: r.text("legal_basis")?.to_string(),
                reply_letter_ref: r.text("reply_letter_ref")?.to_string(),
            })
        });
        let closing = closing.transpose()?;
        r.unique(self.numbers.insert((agency, number.to_string())), "同一机关的编号重复")?;
        if self.cases.contains_key(&id) {
            return Err(r.bad("id", "重复"));
        }
        self.cases.insert(id, CaseFacts { agency, officer, received_on, closed_on, closing, line: r.line });
        Ok(())
    }

    fn event(&mut self, r: &Cells<'_>) -> Result<(), StoreError> {
        let app = r.int("application_id")?;
        let Some(case) = self.cases.get(&app) else {
            return Err(r.bad("application_id", format!("引用的申请（id {app}）不存在")));
        };
        let kind = EventKind::from_code(r.text("kind")?).ok_or_else(|| r.bad("kind", "不是有效的事件类型"))?;
        let by = r.opt_int("actor_id")?;
        if let Some(u) = by {
            r.refers(&self.users, u, "actor_id", "用户")?;
        }
        let amount = r.opt_int("amount_yuan")?;
        if amount.is_some_and(|a| !(0..=MAX_FEE_YUAN).contains(&a)) {
            return Err(r.bad("amount_yuan", format!("超出范围（0 至 {MAX_FEE_YUAN} 元）")));
        }
        let detail = match r.text("detail")? {
            "" => EventDetail::default(),
            d => serde_json::from_str(d).map_err(|e| r.bad("detail", format!("不是有效的事件详情（第 {} 列附近）", e.column())))?,
        };
        if kind == EventKind::ExtensionApproved {
            // Art. 33: approved by an office head of the agency who is not the case's officer.
            let Some(u) = by else {
                return Err(r.bad("actor_id", "延期答复没有批准人：延期须经办公室负责人批准（条例第三十三条）"));
            };
            if Some(u) == case.officer {
                return Err(r.bad("actor_id", "延期答复的批准人是该申请的承办人：承办人不得审批本人承办的申请"));
            }
            if !self.roles.contains(&(u, case.agency, Role::OfficeHead.code())) {
                self.approvals_to_confirm.push((u, case.agency, r.line));
            }
        }
        let seq = r.int("seq")?;
        let event = Event { kind, on: r.date("on_date")?, by: by.map(UserId), amount_yuan: amount, note: r.text("note")?.to_string(), detail };
        match &mut self.timeline {
            Some((current, events)) if *current == app => {
                if seq != events.len() as i64 + 1 {
                    return Err(r.bad("seq", "事件序号不连续"));
                }
                events.push(event);
            }
            _ => {
                self.end_timeline()?;
                if self.checked_timelines.contains(&app) {
                    return Err(r.bad("application_id", "同一申请的事件不相邻"));
                }
                if seq != 1 {
                    return Err(r.bad("seq", "事件序号应从 1 起"));
                }
                self.timeline = Some((app, vec![event]));
            }
        }
        Ok(())
    }

    /// Checks the timeline just read as a whole.
    fn end_timeline(&mut self) -> Result<(), StoreError> {
        let Some((app, events)) = self.timeline.take() else { return Ok(()) };
        self.checked_timelines.insert(app);
        let Some(case) = self.cases.get(&app) else { return Ok(()) };
        let line = case.line;
        check_structure(case.received_on, &events, case.closing.as_ref())
            .map_err(|m| err(line, "applications", format!("申请 id {app} 的时间线：{m}")))?;
        let concluded = events.last().filter(|e| e.kind.concludes()).map(|e| e.on);
        if concluded != case.closed_on {
            return Err(err(line, "applications", format!("申请 id {app} 的办结日期与时间线不符")));
        }
        Ok(())
    }

    fn extension(&mut self, r: &Cells<'_>) -> Result<(), StoreError> {
        let app = r.int("application_id")?;
        if !self.cases.contains_key(&app) {
            return Err(r.bad("application_id", format!("引用的申请（id {app}）不存在")));
        }
        if !(1..=20).contains(&r.int("days")?) {
            return Err(r.bad("days", "延期天数应为 1 至 20 个工作日"));
        }
        r.refers(&self.users, r.int("requested_by")?, "requested_by", "用户")?;
        r.date("requested_on")?;
        let status = r.code("status", ExtensionStatus::from_code)?;
        let decided_by = r.opt_int("decided_by")?;
        if let Some(u) = decided_by {
            r.refers(&self.users, u, "decided_by", "用户")?;
        }
        let decided_on = r.opt_date("decided_on")?;
        if (status == ExtensionStatus::Pending) != decided_on.is_none() {
            return Err(r.bad("decided_on", "待审批的申请不能有审批日期，已审批的须有"));
        }
        r.unique(self.extensions.insert(r.int("id")?), "id 重复")
    }

    fn appeal(&mut self, r: &Cells<'_>) -> Result<(), StoreError> {
        let app = r.int("application_id")?;
        let Some(case) = self.cases.get(&app) else {
            return Err(r.bad("application_id", format!("引用的申请（id {app}）不存在")));
        };
        if r.int("agency_id")? != case.agency {
            return Err(r.bad("agency_id", "与所涉申请的机关不同"));
        }
        r.code("kind", AppealKind::from_code)?;
        let result = r.code("result", AppealResult::from_code)?;
        AppealGround::parse_code(r.text("ground")?).map_err(|_| r.bad("ground", "不是有效的代码"))?;
        let filed = r.date("filed_on")?;
        let closed = r.opt_date("closed_on")?;
        if (result == AppealResult::Pending) != closed.is_none() || closed.is_some_and(|c| c < filed) {
            return Err(r.bad("closed_on", "结案日期与结果或立案日期不符"));
        }
        r.opt_timestamp("voided_at")?;
        r.unique(self.appeals.insert(r.int("id")?), "id 重复")
    }

    fn document(&mut self, r: &Cells<'_>) -> Result<(), StoreError> {
        let agency = r.int("agency_id")?;
        r.refers(&self.agencies, agency, "agency_id", "机关")?;
        r.code("kind", DocumentKind::from_code)?;
        let validity = r.code("validity", Validity::from_code)?;
        let number = r.nonempty("doc_number")?;
        r.nonempty("title")?;
        let made = r.date("made_on")?;
        let repealed = r.opt_date("repealed_on")?;
        if repealed.is_some() != (validity != Validity::Valid) || repealed.is_some_and(|d| d < made) {
            return Err(r.bad("repealed_on", "废止日期与效力状态或制发日期不符"));
        }
        r.opt_timestamp("voided_at")?;
        r.unique(self.doc_numbers.insert((agency, number.to_string())), "同一机关的文号重复")?;
        r.unique(self.documents.insert(r.int("id")?), "id 重复")
    }

    fn audit_entry(&mut self, r: &Cells<'_>) -> Result<(), StoreError> {
        let agency = r.opt_int("agency_id")?;
        if let Some(a) = agency {
            r.refers(&self.agencies, a, "agency_id", "机关")?;
        }
        let e = AuditEntry {
            seq: r.int("seq")?,
            at: r.text("at")?.to_string(),
            actor: r.text("actor")?.to_string(),
            action: r.text("action")?.to_string(),
            entity: r.text("entity")?.to_string(),
            entity_id: r.text("entity_id")?.to_string(),
            before: r.text("before_json")?.to_string(),
            after: r.text("after_json")?.to_string(),
            prev_hash: r.text("prev_hash")?.to_string(),
            hash: r.text("hash")?.to_string(),
            agency: agency.map(AgencyId),
            reason: r.text("reason")?.to_string(),
        };
        if e.entity == "role" && e.action == "grant"
            && let Ok(g) = serde_json::from_str::<RoleGrant>(&e.after)
            && g.role == Role::OfficeHead
        {
            self.granted_heads.insert((g.user.0, g.agency.0));
        }
        if let Some(v) = &mut self.chain {
            let before = v.problems();
            v.feed(&e);
            if v.problems() > before {
                return Err(r.bad("hash", "审计日志的哈希链在此断开：记录被改动、删除、插入或调换"));
            }
        }
        Ok(())
    }

    /// At the end of the file: what can only be checked once everything is read. `trailer`: the
    /// row counts the export wrote at its end (`None` for files of versions 1 and 2, whose
    /// completeness shows in their last line being the chain's head).
    pub fn finish(&mut self, trailer: Option<&Map<String, Value>>, last_table: Option<&str>, lines: usize) -> Result<(), StoreError> {
        self.end_timeline()?;
        match trailer {
            Some(t) => {
                for (table, n) in t {
                    let want = n.as_u64().ok_or_else(|| err(lines, "结尾", format!("{table} 的行数不是整数")))?;
                    let got = self.rows.get(table.as_str()).copied().unwrap_or(0);
                    if want != got {
                        return Err(StoreError::Format(format!(
                            "导出文件不完整：结尾记载 {table} 有 {want} 行，文件中只有 {got} 行（文件被截断或改动过）"
                        )));
                    }
                }
                if let Some(t) = self.rows.keys().find(|k| !t.contains_key(**k)) {
                    return Err(StoreError::Format(format!("导出文件的结尾没有记载 {t} 的行数")));
                }
            }
            None if last_table != Some("audit_head") => {
                return Err(StoreError::Format(
                    "导出文件不完整：没有以审计日志链头结束（文件被截断）".into(),
                ));
            }
            None => {}
        }
        for (user, agency, line) in &self.approvals_to_confirm {
            if !self.granted_heads.contains(&(*user, *agency)) {
                return Err(err(*line, "application_events", format!(
                    "延期答复的批准人（用户 id {user}）不是该机关的办公室负责人（现在不是，审计日志中也没有授予记录）"
                )));
            }
        }
        let v = self.chain.take().map(|v| v.finish(self.head.clone())).unwrap_or_default();
        if !v.problems.is_empty() {
            return Err(StoreError::Format(format!("审计日志校验未通过：{}", v.problems.join("；"))));
        }
        Ok(())
    }
}

/// One row's cells, with the line for messages.
struct Cells<'a> {
    t: &'static TableSpec,
    row: &'a Row,
    line: usize,
}

impl Cells<'_> {
    fn bad(&self, col: &str, msg: impl std::fmt::Display) -> StoreError {
        err(self.line, self.t.name, format!("{col}：{msg}"))
    }

    /// Every column has the type the table says (and no column is unknown).
    fn types(&self) -> Result<(), StoreError> {
        for (name, col) in self.t.cols {
            let v = self.row.get(*name).unwrap_or(&Value::Null);
            let ok = match col {
                Col::Int => v.is_i64(),
                Col::IntNull => v.is_i64() || v.is_null(),
                Col::Text => v.is_string(),
                Col::TextNull => v.is_string() || v.is_null(),
            };
            if !ok {
                let what = if matches!(col, Col::Int | Col::IntNull) { "应为整数" } else { "应为文本" };
                return Err(self.bad(name, what));
            }
            if let Some(s) = v.as_str()
                && s.contains('\0')
            {
                return Err(self.bad(name, "含有 NUL 字符"));
            }
        }
        if let Some(k) = self.row.keys().find(|k| !self.t.cols.iter().any(|(n, _)| n == k)) {
            return Err(self.bad(k, "不是该表的列"));
        }
        Ok(())
    }

    fn int(&self, col: &str) -> Result<i64, StoreError> {
        self.row.get(col).and_then(Value::as_i64).ok_or_else(|| self.bad(col, "应为整数"))
    }

    fn opt_int(&self, col: &str) -> Result<Option<i64>, StoreError> {
        match self.row.get(col) {
            None | Some(Value::Null) => Ok(None),
            Some(v) => v.as_i64().map(Some).ok_or_else(|| self.bad(col, "应为整数")),
        }
    }

    fn text(&self, col: &str) -> Result<&str, StoreError> {
        self.row.get(col).and_then(Value::as_str).ok_or_else(|| self.bad(col, "应为文本"))
    }

    fn opt_text(&self, col: &str) -> Result<Option<&str>, StoreError> {
        match self.row.get(col) {
            None | Some(Value::Null) => Ok(None),
            Some(v) => v.as_str().map(Some).ok_or_else(|| self.bad(col, "应为文本")),
        }
    }

    fn nonempty(&self, col: &str) -> Result<&str, StoreError> {
        let s = self.text(col)?;
        if s.trim().is_empty() {
            return Err(self.bad(col, "不能为空"));
        }
        Ok(s)
    }

    fn code<T>(&self, col: &str, parse: fn(&str) -> Option<T>) -> Result<T, StoreError> {
        let s = self.text(col)?;
        parse(s).ok_or_else(|| self.bad(col, format!("“{s}”不是有效的代码")))
    }

    fn date(&self, col: &str) -> Result<NaiveDate, StoreError> {
        let s = self.text(col)?;
        parse_date(s).ok_or_else(|| self.bad(col, format!("“{s}”不是 YYYY-MM-DD 格式的有效日期")))
    }

    fn opt_date(&self, col: &str) -> Result<Option<NaiveDate>, StoreError> {
        match self.opt_text(col)? {
            None => Ok(None),
            Some(s) => parse_date(s).map(Some).ok_or_else(|| self.bad(col, format!("“{s}”不是 YYYY-MM-DD 格式的有效日期"))),
        }
    }

    fn timestamp(&self, col: &str) -> Result<(), StoreError> {
        let s = self.text(col)?;
        chrono::DateTime::parse_from_rfc3339(s).map(drop).map_err(|_| self.bad(col, format!("“{s}”不是有效的时间（RFC 3339）")))
    }

    fn opt_timestamp(&self, col: &str) -> Result<(), StoreError> {
        if self.opt_text(col)?.is_some() { self.timestamp(col) } else { Ok(()) }
    }

    fn json(&self, col: &str) -> Result<(), StoreError> {
        serde_json::from_str::<Value>(self.text(col)?).map(drop).map_err(|e| self.bad(col, format!("不是有效的 JSON（第 {} 列附近）", e.column())))
    }

    fn refers(&self, ids: &HashSet<i64>, id: i64, col: &str, what: &str) -> Result<(), StoreError> {
        if ids.contains(&id) { Ok(()) } else { Err(self.bad(col, format!("引用的{what}（id {id}）不存在"))) }
    }

    fn unique(&self, fresh: bool, msg: &str) -> Result<(), StoreError> {
        if fresh { Ok(()) } else { Err(err(self.line, self.t.name, msg)) }
    }
}

/// A date exactly as the store writes it.
fn parse_date(s: &str) -> Option<NaiveDate> {
    let d = NaiveDate::parse_from_str(s, "%Y-%m-%d").ok()?;
    (crate::util::iso(d) == s).then_some(d)
}

/// A plain decimal with at most 4 decimals (万元 to the yuan).
fn plain_decimal(s: &str) -> bool {
    let (int, frac) = s.split_once('.').unwrap_or((s, ""));
    !int.is_empty()
        && int.len() <= 10
        && frac.len() <= 4
        && !(s.contains('.') && frac.is_empty())
        && int.bytes().chain(frac.bytes()).all(|b| b.is_ascii_digit())
}
