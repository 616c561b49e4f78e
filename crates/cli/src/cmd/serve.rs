//! `gongkai serve`: the staff console in the browser.

use std::net::SocketAddr;
use std::process::ExitCode;
use std::sync::Arc;

use clap::Args;
use gongkai_app::clock::SystemClock;
use gongkai_app::office::{Office, OpenMode};
use gongkai_web::{AppState, WebConfig};

#[derive(Debug, Args)]
pub struct ServeArgs {
    /// 监听地址
    #[arg(long, default_value = "127.0.0.1:8080")]
    pub listen: SocketAddr,
    /// 数据库地址：sqlite:路径 或 postgres://…（默认：数据目录中的 gongkai.db）
    #[arg(long, env = "GONGKAI_DATABASE", hide_env_values = true)]
    pub database: Option<String>,
    /// 会话 Cookie 加 Secure 标记（经 HTTPS 反向代理提供服务时使用）
    #[arg(long)]
    pub secure_cookies: bool,
}

pub fn run(a: ServeArgs) -> anyhow::Result<ExitCode> {
    let rt = tokio::runtime::Builder::new_multi_thread().enable_all().build()?;
    rt.block_on(async move {
        let office = Office::open(a.database.as_deref(), OpenMode::Existing, Arc::new(SystemClock)).await?;
        eprintln!("数据库：{}", office.location());
        let state = AppState { office, config: WebConfig { secure_cookies: a.secure_cookies } };
        gongkai_web::serve(state, a.listen).await.map_err(|e| anyhow::anyhow!("无法在 {} 上提供服务：{}", a.listen, gongkai_app::describe_io(&e)))?;
        Ok(ExitCode::SUCCESS)
    })
}
