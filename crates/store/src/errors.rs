//! Chinese descriptions of what the database driver and the file system report, so that no raw
//! English from sqlx or the OS reaches a user ("pool timed out", "database is locked",
//! "No such file or directory").

/// What went wrong with the database, in Chinese.
pub(crate) fn describe_db(e: &sqlx::Error) -> String {
    match e {
        sqlx::Error::PoolTimedOut => "等待数据库连接超时（数据库繁忙，或无法连接）".into(),
        sqlx::Error::PoolClosed => "数据库连接已关闭".into(),
        sqlx::Error::Io(io) => format!("无法连接数据库服务器：{}", describe_connect(io)),
        sqlx::Error::Tls(_) => "与数据库建立加密连接（TLS）失败".into(),
        sqlx::Error::Configuration(_) => "数据库地址或连接参数有误".into(),
        sqlx::Error::RowNotFound => "未找到记录".into(),
        sqlx::Error::Database(d) => describe_database(d.as_ref()),
        sqlx::Error::ColumnDecode { .. } | sqlx::Error::Decode(_) | sqlx::Error::ColumnNotFound(_) => {
            "数据库中的数据无法读取（数据库版本不符，或数据被改动）".into()
        }
        sqlx::Error::Protocol(_) | sqlx::Error::WorkerCrashed => "与数据库通信出错".into(),
        _ => "数据库操作失败".into(),
    }
}

fn describe_database(d: &dyn sqlx::error::DatabaseError) -> String {
    let code = d.code().map(|c| c.into_owned()).unwrap_or_default();
    match code.as_str() {
        // SQLite primary result codes (extended codes keep the primary one in the low byte).
        c if sqlite_code(c) == Some(5) || sqlite_code(c) == Some(6) => {
            "数据库正被其他操作写入，等待超时：请稍后重试（大批量导入进行时可能需要等待）".into()
        }
        c if sqlite_code(c) == Some(8) => "数据库为只读（文件或目录没有写权限）：只能执行查看类命令".into(),
        c if sqlite_code(c) == Some(13) => "磁盘已满，无法写入数据库".into(),
        c if sqlite_code(c) == Some(14) => "无法打开数据库文件（路径不存在或没有权限）".into(),
        c if sqlite_code(c) == Some(26) => "该文件不是 gongkai 的数据库（也不是 SQLite 数据库）".into(),
        c if sqlite_code(c) == Some(11) => "数据库文件已损坏".into(),
        // PostgreSQL SQLSTATE: a writer that waited `lock_timeout` for another's lock.
        "55P03" => "数据库正被其他操作写入，等待超时：请稍后重试（大批量导入进行时可能需要等待）".into(),
        "28P01" | "28000" => "数据库用户名或密码错误".into(),
        "3D000" => "数据库不存在（请先创建数据库，再运行 gongkai init 或 gongkai import）".into(),
        "42501" => "数据库用户没有执行该操作的权限".into(),
        "53300" => "数据库连接数已满".into(),
        "57P01" | "57P02" | "57P03" => "数据库服务正在关闭或尚未就绪".into(),
        c if c.starts_with("08") => "与数据库的连接中断".into(),
        _ if d.is_unique_violation() => "与已有记录重复".into(),
        _ if d.is_foreign_key_violation() => "引用的记录不存在".into(),
        _ if d.is_check_violation() => "数值超出允许范围".into(),
        _ if d.message().contains("append-only") => "审计日志只能追加，不能修改或删除".into(),
        _ if d.message().contains("amount out of range") => "金额超出允许范围".into(),
        "" => "数据库返回错误".into(),
        c => format!("数据库返回错误（代码 {c}）"),
    }
}

fn sqlite_code(code: &str) -> Option<i64> {
    code.parse::<i64>().ok().map(|c| c & 0xff)
}

/// Why a connection to the database server failed, in Chinese.
fn describe_connect(e: &std::io::Error) -> String {
    use std::io::ErrorKind as K;
    let text = e.to_string();
    match e.kind() {
        K::TimedOut | K::WouldBlock => "连接超时，服务器没有应答（地址或网络有误，或被防火墙拦截）".into(),
        K::UnexpectedEof => "服务器未应答就关闭了连接（该地址可能不是 PostgreSQL 服务，或网络不通）".into(),
        _ if text.contains("lookup") || text.contains("resolve") || text.contains("Name or service") => {
            "无法解析主机名（请检查地址的拼写和网络）".into()
        }
        K::ConnectionRefused | K::ConnectionReset | K::ConnectionAborted | K::AddrNotAvailable | K::HostUnreachable | K::NetworkUnreachable => {
            describe_io(e)
        }
        _ => "网络错误，无法建立连接".into(),
    }
}

/// What went wrong with a file or a connection, in Chinese.
pub fn describe_io(e: &std::io::Error) -> String {
    use std::io::ErrorKind as K;
    match e.kind() {
        K::NotFound => "文件或目录不存在".into(),
        K::PermissionDenied => "没有权限".into(),
        K::AlreadyExists => "文件已存在".into(),
        K::ConnectionRefused => "连接被拒绝（数据库服务未启动，或地址、端口有误）".into(),
        K::ConnectionReset | K::ConnectionAborted | K::BrokenPipe => "连接被中断".into(),
        K::TimedOut => "连接超时".into(),
        K::AddrNotAvailable | K::HostUnreachable | K::NetworkUnreachable => "无法访问该地址".into(),
        K::InvalidData => "文件内容不是有效的文本或格式".into(),
        K::UnexpectedEof => "文件在中途结束（可能不完整）".into(),
        K::StorageFull => "磁盘已满".into(),
        K::ReadOnlyFilesystem => "文件系统为只读".into(),
        K::IsADirectory => "这是一个目录，不是文件".into(),
        K::NotADirectory => "路径中的某一级不是目录".into(),
        K::InvalidFilename => "文件名无效".into(),
        K::FileTooLarge => "文件过大".into(),
        K::Interrupted => "操作被中断".into(),
        _ => "读写失败".into(),
    }
}
