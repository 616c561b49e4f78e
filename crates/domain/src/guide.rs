//! 答复向导: the outcome guide. A few questions, asked one at a time (is it a request this
//! regulation handles at all? is it clear? is it government information? whose is it? does it
//! exist? may it be disclosed, wholly or partly, and if not why? how is it provided?), lead to
//! exactly one leaf row of table 三 with its legal basis, the reply's text and the remedies notice.
//!
//! Pure: the answers so far are a list of `(question id, choice id)` pairs (a web form carries
//! them as hidden fields, a test enumerates them); [`walk`] answers with the next question or the
//! leaf. Outcome ids are those of `report-format.yaml` (the store's `Outcome` codes).
//!
//! Sources: shared/domain/regulation.md §2 (reply → table 三 row) and §6 (what each reply must
//! say; the remedies notice).

/// The regulation's short name as letters cite it.
pub const REGULATION: &str = "《中华人民共和国政府信息公开条例》";

/// One choice of a question.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Choice {
    /// Stable id (form value).
    pub id: &'static str,
    /// What the officer reads.
    pub label: &'static str,
}

/// One question of the guide.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Question {
    /// Stable id (form field name).
    pub id: &'static str,
    /// The question.
    pub text: &'static str,
    /// A hint (which article decides it).
    pub help: &'static str,
    /// The choices.
    pub choices: &'static [Choice],
}

const fn c(id: &'static str, label: &'static str) -> Choice {
    Choice { id, label }
}

/// What kind of request it is (Arts. 35, 36(6), 39).
pub const KIND: Question = Question {
    id: "kind",
    text: "这件申请属于哪种情形？",
    help: "第三十五条、第三十六条第（六）项、第三十九条规定的情形不予处理；其余按政府信息公开申请办理。",
    choices: &[
        c("normal", "请求获取政府信息的申请"),
        c("petition", "以政府信息公开申请的形式进行信访、投诉、举报（第三十九条第一款）"),
        c("publication", "要求提供公开出版物（第三十九条第二款）"),
        c("repeat", "重复申请：已就同一内容答复过，申请人再次申请（第三十六条第（六）项）"),
        c("mass", "申请数量、频次明显超过合理范围，说明的理由不合理（第三十五条）"),
        c("confirm", "要求行政机关确认或重新出具已获取的信息"),
    ],
};

/// Whether the request is clear (Art. 30).
pub const CLEAR: Question = Question {
    id: "clear",
    text: "申请内容是否明确？",
    help: "不明确而尚未补正的，不要在这里答复：请先用“补正通知”一次性告知需要补正的事项（第三十条）。",
    choices: &[c("yes", "明确"), c("after_correction", "已经补正，补正后仍不明确（第三十条）")],
};

/// Whether it is government information at all.
pub const INFO: Question = Question {
    id: "info",
    text: "所申请的是否属于政府信息？",
    help: "政府信息是行政机关在履行行政管理职能过程中制作或者获取的，以一定形式记录、保存的信息（第二条）。",
    choices: &[
        c("yes", "属于政府信息"),
        c("admin_query", "属于工商、不动产登记资料等有专门规定的查询事项（第三十六条第（七）项）"),
        c("not_gov_info", "不属于政府信息（第二条）"),
    ],
};

/// Whose information it is.
pub const WHOSE: Question = Question {
    id: "whose",
    text: "该信息是否由本机关负责公开？",
    help: "行政机关制作的由制作机关负责公开，从公民、法人和其他组织获取的由保存机关负责公开（第十条）。",
    choices: &[
        c("this", "由本机关负责公开"),
        c("other", "不属于本机关负责公开（第三十六条第（五）项）"),
    ],
};

/// Whether it exists (Arts. 36(4), 38).
pub const EXISTS: Question = Question {
    id: "exists",
    text: "经检索，所申请的信息是否存在？",
    help: "不存在的告知申请人；需要对现有信息加工、分析才能形成的，可以不予提供（第三十八条）。",
    choices: &[
        c("yes", "存在"),
        c("not_found", "经检索没有所申请的信息（第三十六条第（四）项）"),
        c("needs_creation", "没有现成信息，需要另行制作或者加工、分析（第三十八条）"),
    ],
};

/// Whether it may be disclosed (Arts. 36, 37).
pub const DISCLOSE: Question = Question {
    id: "disclose",
    text: "能否公开？",
    help: "含有不应公开的内容但能够区分处理的，部分公开（第三十七条）；区分处理的只计“部分公开”。",
    choices: &[
        c("already", "已经主动公开（第三十六条第（一）项）"),
        c("yes", "可以公开（第三十六条第（二）项）"),
        c("partly", "部分公开：能够区分处理（第三十七条）"),
        c("no", "不予公开（第三十六条第（三）项）"),
    ],
};

/// Why not (Arts. 14-16).
pub const REASON: Question = Question {
    id: "reason",
    text: "不予公开（或不公开部分）的理由是什么？",
    help: "须写明理由并引用条款（第三十六条第（三）项）。",
    choices: &[
        c("state_secret", "属于国家秘密（第十四条）"),
        c("law_forbidden", "法律、行政法规禁止公开（第十四条）"),
        c("security_stability", "公开后可能危及国家安全、公共安全、经济安全、社会稳定（第十四条）"),
        c("third_party", "涉及商业秘密、个人隐私等，公开会对第三方合法权益造成损害（第十五条）"),
        c("internal_affairs", "人事管理、后勤管理、内部工作流程等内部事务信息（第十六条第一款）"),
        c("process_info", "讨论记录、过程稿、磋商信函、请示报告等过程性信息（第十六条第二款）"),
        c("enforcement_file", "行政执法案卷信息（第十六条第二款）"),
    ],
};

/// How it is provided (Art. 40).
pub const PROVIDE: Question = Question {
    id: "provide",
    text: "以什么形式提供？",
    help: "根据申请人的要求及本机关保存信息的实际情况确定；可能危及载体安全或成本过高的，可以通过电子数据、其他适当形式或安排查阅、抄录（第四十条）。",
    choices: &[
        c("paper", "纸质文本"),
        c("electronic", "电子数据"),
        c("inspect", "安排查阅、抄录"),
        c("where", "告知获取的方式、途径和时间"),
    ],
};

/// Every question, in the order they can be asked.
pub const QUESTIONS: [&Question; 8] = [&KIND, &CLEAR, &INFO, &WHOSE, &EXISTS, &DISCLOSE, &REASON, &PROVIDE];

/// The answer of the guide: one leaf of table 三.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Leaf {
    /// Table 三 row id (report-format.yaml; the store's `Outcome` code).
    pub outcome: &'static str,
    /// The Art. 36 reply type as the record keeps it (e.g. 予以公开, 不予公开).
    pub reply_type: &'static str,
    /// The legal basis, cited.
    pub legal_basis: String,
    /// The reply's text (the letter's body; the officer may add to it).
    pub reply: String,
    /// Whether the remedies notice is the one for a refusal (reconsideration first).
    pub refusal: bool,
}

/// The next step of the guide.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Step {
    /// Ask this question next.
    Ask(&'static Question),
    /// Done: this is the outcome.
    Leaf(Leaf),
}

/// The answers cannot be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum GuideError {
    /// A question that does not exist, or not on this path.
    #[error("答复向导没有问题“{0}”，或此问题不适用于前面的回答")]
    UnexpectedQuestion(String),
    /// A choice that the question does not offer.
    #[error("问题“{question}”没有选项“{choice}”")]
    UnknownChoice {
        /// The question.
        question: &'static str,
        /// The choice given.
        choice: String,
    },
    /// The same question answered twice.
    #[error("问题“{0}”回答了两次")]
    Repeated(&'static str),
    /// Answers beyond the leaf.
    #[error("回答已得出结果，多余的回答“{0}”")]
    Extra(String),
}

fn article(a: &str) -> String {
    format!("{REGULATION}{a}")
}

/// The question that follows `q` answered with `choice`, or `None` when the path ends there.
fn next(q: &Question, choice: &str, answers: &[(&str, &str)]) -> Option<&'static Question> {
    match (q.id, choice) {
        ("kind", "normal") => Some(&CLEAR),
        ("clear", "yes") => Some(&INFO),
        ("info", "yes") => Some(&WHOSE),
        ("whose", "this") => Some(&EXISTS),
        ("exists", "yes") => Some(&DISCLOSE),
        ("disclose", "yes" | "already") => Some(&PROVIDE),
        ("disclose", "partly" | "no") => Some(&REASON),
        ("reason", _) if get(answers, "disclose") == Some("partly") => Some(&PROVIDE),
        _ => None,
    }
}

fn get<'a>(answers: &[(&str, &'a str)], id: &str) -> Option<&'a str> {
    answers.iter().find(|(q, _)| *q == id).map(|(_, a)| *a)
}

/// Walks the answers given so far: the next question, or the leaf they lead to.
pub fn walk(answers: &[(&str, &str)]) -> Result<Step, GuideError> {
    let mut q: &'static Question = &KIND;
    let mut seen: Vec<&str> = Vec::new();
    let mut i = 0;
    loop {
        let Some(&(qid, choice)) = answers.get(i) else { return Ok(Step::Ask(q)) };
        if let Some(r) = seen.iter().find(|s| **s == qid) {
            return Err(GuideError::Repeated(QUESTIONS.iter().find(|x| x.id == *r).map_or("", |x| x.id)));
        }
        if qid != q.id {
            return Err(GuideError::UnexpectedQuestion(qid.to_string()));
        }
        if !q.choices.iter().any(|c| c.id == choice) {
            return Err(GuideError::UnknownChoice { question: q.id, choice: choice.to_string() });
        }
        seen.push(qid);
        i += 1;
        match next(q, choice, &answers[..i]) {
            Some(n) => q = n,
            None => {
                if let Some((extra, _)) = answers.get(i) {
                    return Err(GuideError::Extra((*extra).to_string()));
                }
                return Ok(Step::Leaf(leaf(&answers[..i])));
            }
        }
    }
}

/// The Chinese label of an answer (for showing the answers so far).
pub fn label(question: &str, choice: &str) -> Option<(&'static str, &'static str)> {
    let q = QUESTIONS.iter().find(|q| q.id == question)?;
    let c = q.choices.iter().find(|c| c.id == choice)?;
    Some((q.text, c.label))
}

fn provision(answers: &[(&str, &str)]) -> &'static str {
    match get(answers, "provide") {
        Some("paper") => "现以纸质文本形式提供给您（见附件）。",
        Some("electronic") => "现以电子数据形式提供给您（见附件）。",
        Some("inspect") => "请您于收到本告知书后，携带本人身份证明到本机关查阅、抄录。",
        _ => "获取的方式、途径和时间如下：",
    }
}

/// Art. 14-16 reasons: (row id, article, the sentence of the reply).
fn reason(answers: &[(&str, &str)]) -> (&'static str, &'static str, &'static str) {
    match get(answers, "reason") {
        Some("state_secret") => ("denied_state_secret", "第十四条", "属于国家秘密"),
        Some("law_forbidden") => ("denied_law_forbidden", "第十四条", "属于法律、行政法规禁止公开的政府信息"),
        Some("security_stability") => {
            ("denied_security_stability", "第十四条", "公开后可能危及国家安全、公共安全、经济安全、社会稳定")
        }
        Some("third_party") => (
            "denied_third_party",
            "第十五条",
            "涉及商业秘密、个人隐私等公开会对第三方合法权益造成损害，且第三方不同意公开，不公开不会对公共利益造成重大影响",
        ),
        Some("internal_affairs") => ("denied_internal_affairs", "第十六条第一款", "属于人事管理、后勤管理、内部工作流程等方面的内部事务信息"),
        Some("process_info") => (
            "denied_process_info",
            "第十六条第二款",
            "属于行政机关在履行行政管理职能过程中形成的讨论记录、过程稿、磋商信函、请示报告等过程性信息",
        ),
        _ => ("denied_enforcement_file", "第十六条第二款", "属于行政执法案卷信息"),
    }
}

fn leaf(answers: &[(&str, &str)]) -> Leaf {
    let l = |outcome, reply_type, basis: &str, reply: String, refusal| Leaf {
        outcome,
        reply_type,
        legal_basis: article(basis),
        reply,
        refusal,
    };
    match get(answers, "kind") {
        Some("petition") => return l(
            "np_petition_complaint",
            "不予处理",
            "第三十九条第一款",
            "您的申请系以政府信息公开申请的形式进行信访、投诉、举报等活动。根据《中华人民共和国政府信息公开条例》第三十九条第一款的规定，本机关不作为政府信息公开申请处理。您可以通过信访、投诉、举报等相应渠道提出。".into(),
            false,
        ),
        Some("publication") => return l(
            "np_publication",
            "不予处理",
            "第三十九条第二款",
            "您申请获取的是公开出版物。根据《中华人民共和国政府信息公开条例》第三十九条第二款的规定，本机关可以告知获取的途径：请通过公开发行渠道获取。".into(),
            false,
        ),
        Some("repeat") => return l(
            "np_repeat",
            "不予处理",
            "第三十六条第（六）项",
            "本机关已就您申请的同一政府信息作出答复，您重复申请公开。根据《中华人民共和国政府信息公开条例》第三十六条第（六）项的规定，本机关不予重复处理。".into(),
            false,
        ),
        Some("mass") => return l(
            "np_mass_repeat",
            "不予处理",
            "第三十五条",
            "您申请公开政府信息的数量、频次明显超过合理范围，经要求说明理由，本机关认为理由不合理。根据《中华人民共和国政府信息公开条例》第三十五条的规定，本机关不予处理。".into(),
            false,
        ),
        Some("confirm") => return l(
            "np_confirm_or_reissue",
            "不予处理",
            "第三十九条",
            "您的申请系要求本机关确认或者重新出具您已经获取的信息，不属于政府信息公开申请的范围，本机关不作为政府信息公开申请处理。".into(),
            false,
        ),
        _ => {}
    }
    if get(answers, "clear") == Some("after_correction") {
        return l(
            "unable_unclear_after_correction",
            "无法提供",
            "第三十条",
            "本机关已就您的申请内容一次性告知补正，补正后申请内容仍不明确，本机关无法确定您所需要的政府信息，无法提供。".into(),
            false,
        );
    }
    match get(answers, "info") {
        Some("admin_query") => return l(
            "denied_admin_query",
            "不予公开",
            "第三十六条第（七）项",
            "您申请获取的信息属于有关法律、行政法规对信息的获取有特别规定的查询事项。根据《中华人民共和国政府信息公开条例》第三十六条第（七）项的规定，请您按照有关法律、行政法规的规定办理查询。".into(),
            true,
        ),
        Some("not_gov_info") => return l(
            "oh_other",
            "其他处理",
            "第二条",
            "您申请获取的信息不是行政机关在履行行政管理职能过程中制作或者获取的信息，不属于《中华人民共和国政府信息公开条例》第二条所指的政府信息。".into(),
            false,
        ),
        _ => {}
    }
    if get(answers, "whose") == Some("other") {
        return l(
            "unable_not_held",
            "无法提供",
            "第三十六条第（五）项",
            "经核查，您所申请的政府信息不属于本机关负责公开。根据《中华人民共和国政府信息公开条例》第三十六条第（五）项的规定，告知如下：负责公开该政府信息的机关为＿＿＿＿＿＿，联系方式为＿＿＿＿＿＿。".into(),
            false,
        );
    }
    match get(answers, "exists") {
        Some("not_found") => return l(
            "unable_not_held",
            "无法提供",
            "第三十六条第（四）项",
            "经检索，本机关没有您所申请的政府信息。根据《中华人民共和国政府信息公开条例》第三十六条第（四）项的规定，告知您该政府信息不存在。".into(),
            false,
        ),
        Some("needs_creation") => return l(
            "unable_needs_creation",
            "无法提供",
            "第三十八条",
            "您申请的信息本机关没有现成的信息，需要对现有政府信息进行加工、分析才能形成。根据《中华人民共和国政府信息公开条例》第三十八条的规定，本机关不予提供。".into(),
            false,
        ),
        _ => {}
    }
    match get(answers, "disclose") {
        Some("already") => l(
            "granted",
            "予以公开",
            "第三十六条第（一）项",
            format!(
                "您所申请的政府信息已经主动公开。根据《中华人民共和国政府信息公开条例》第三十六条第（一）项的规定，{}",
                provision(answers)
            ),
            false,
        ),
        Some("yes") => l(
            "granted",
            "予以公开",
            "第三十六条第（二）项",
            format!(
                "您所申请的政府信息属于可以公开的政府信息。根据《中华人民共和国政府信息公开条例》第三十六条第（二）项的规定，{}",
                provision(answers)
            ),
            false,
        ),
        Some("partly") => {
            let (_, art, why) = reason(answers);
            l(
                "partial",
                "部分公开",
                &format!("第三十七条、{art}"),
                format!(
                    "您所申请的政府信息中含有不应当公开的内容，但能够作区分处理。根据《中华人民共和国政府信息公开条例》第三十七条的规定，本机关向您提供可以公开的部分，{}其余部分{why}，根据该条例{art}的规定不予公开。",
                    provision(answers)
                ),
                true,
            )
        }
        _ => {
            let (row, art, why) = reason(answers);
            l(
                row,
                "不予公开",
                &format!("第三十六条第（三）项、{art}"),
                format!(
                    "您所申请的政府信息{why}。根据《中华人民共和国政府信息公开条例》{art}和第三十六条第（三）项的规定，本机关不予公开。"
                ),
                true,
            )
        }
    }
}

/// The remedies notice (regulation.md §6): against a refusal (不予公开, partly), reconsideration
/// comes first (行政复议法 2023 Art. 23 ¶1 (4)), within 60 days (Art. 20), then suit within 15
/// days of the decision (行政诉讼法 Art. 45); otherwise reconsideration within 60 days or suit
/// within 6 months (行政诉讼法 Art. 46). `body`: the reconsideration body (a per-agency setting).
pub fn remedies(refusal: bool, body: &str) -> String {
    if refusal {
        format!(
            "如对本答复不服，可以自知道该行政行为之日起六十日内向{body}申请行政复议；对行政复议决定不服的，可以自收到行政复议决定书之日起十五日内依法向人民法院提起行政诉讼。"
        )
    } else {
        format!(
            "如对本答复不服，可以自知道该行政行为之日起六十日内向{body}申请行政复议，或者自知道该行政行为之日起六个月内依法向人民法院提起行政诉讼。"
        )
    }
}

/// Every path through the guide (for tables and tests): each is the list of answers and the leaf
/// it ends in.
pub fn paths() -> Vec<(Vec<(&'static str, &'static str)>, Leaf)> {
    let mut out = Vec::new();
    let mut stack: Vec<Vec<(&'static str, &'static str)>> = vec![Vec::new()];
    while let Some(path) = stack.pop() {
        match walk(&path) {
            Ok(Step::Ask(q)) => {
                for ch in q.choices.iter().rev() {
                    let mut p = path.clone();
                    p.push((q.id, ch.id));
                    stack.push(p);
                }
            }
            Ok(Step::Leaf(leaf)) => out.push((path, leaf)),
            Err(_) => {}
        }
    }
    out
}
