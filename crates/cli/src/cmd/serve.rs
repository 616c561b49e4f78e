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
    /// 演示：在新建的临时数据库中生成一个县（岚皋县）的全年演示数据，打印各角色的登录名和密码
    #[arg(long, conflicts_with = "database")]
    pub demo: bool,
}

pub fn run(a: ServeArgs) -> anyhow::Result<ExitCode> {
    let rt = tokio::runtime::Builder::new_multi_thread().enable_all().build()?;
    rt.block_on(async move {
        let (office, demo_dir) = if a.demo {
            let dir = std::env::temp_dir().join(format!("gongkai-demo-{}", gongkai_app::token::query_code()?));
            std::fs::create_dir_all(&dir).map_err(|e| anyhow::anyhow!("无法创建临时目录 {}：{}", dir.display(), gongkai_app::describe_io(&e)))?;
            let url = format!("sqlite:{}", dir.join("demo.db").display());
            let office = Office::open_at(&url, &dir, OpenMode::Create, Arc::new(SystemClock)).await?;
            eprintln!("正在生成演示数据（岚皋县人民政府办公室及所属乡镇、部门）……");
            let accounts = gongkai_app::demo::seed(&office, &system_user()).await?;
            println!("演示账号（角色\t机关\t登录名\t密码）：");
            for acc in &accounts {
                println!("{}\t{}\t{}\t{}", acc.role, acc.agency, acc.login, acc.password);
            }
            (office, Some(dir))
        } else {
            (Office::open(a.database.as_deref(), OpenMode::Existing, Arc::new(SystemClock)).await?, None)
        };
        eprintln!("数据库：{}", office.location());
        let state = AppState { office: office.clone(), config: WebConfig { secure_cookies: a.secure_cookies } };
        let served = gongkai_web::serve(state, a.listen).await;
        office.close().await;
        if let Some(dir) = demo_dir {
            // The demo's database is thrown away.
            let _ = std::fs::remove_dir_all(dir);
        }
        served.map_err(|e| anyhow::anyhow!("无法在 {} 上提供服务：{}", a.listen, gongkai_app::describe_io(&e)))?;
        Ok(ExitCode::SUCCESS)
    })
}

fn system_user() -> String {
    std::env::var("USER").or_else(|_| std::env::var("LOGNAME")).unwrap_or_else(|_| "unknown".into())
}
