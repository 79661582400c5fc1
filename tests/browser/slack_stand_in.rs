//! A stand-in for Slack's incoming webhook: a small actix-web server on
//! loopback that answers 200 "ok" and records the body of every POST.

use std::net::TcpListener;
use std::sync::{Arc, Mutex};

use actix_web::{App, HttpResponse, HttpServer, web};

type Posts = Arc<Mutex<Vec<serde_json::Value>>>;

pub struct SlackStandIn {
    pub url: String,
    posts: Posts,
    handle: actix_web::dev::ServerHandle,
}

impl SlackStandIn {
    pub fn start() -> SlackStandIn {
        let listener = TcpListener::bind("127.0.0.1:0").expect("a free port");
        let port = listener.local_addr().expect("a local address").port();
        let posts = Posts::default();
        let data = web::Data::new(posts.clone());
        let server = HttpServer::new(move || {
            App::new()
                .app_data(data.clone())
                .default_service(web::post().to(record))
        })
        .workers(1)
        .listen(listener)
        .expect("the stand-in listens")
        .run();
        let handle = server.handle();
        tokio::spawn(server);
        SlackStandIn {
            url: format!("http://127.0.0.1:{port}/services/T000/B000/stand-in"),
            posts,
            handle,
        }
    }

    /// The `text` of every message received so far.
    pub fn texts(&self) -> Vec<String> {
        self.posts
            .lock()
            .expect("the recorder")
            .iter()
            .map(|post| post["text"].as_str().unwrap_or_default().to_owned())
            .collect()
    }
}

impl Drop for SlackStandIn {
    fn drop(&mut self) {
        drop(self.handle.stop(false));
    }
}

async fn record(posts: web::Data<Posts>, body: web::Bytes) -> HttpResponse {
    let post = serde_json::from_slice(&body).unwrap_or(serde_json::Value::Null);
    posts.lock().expect("the recorder").push(post);
    HttpResponse::Ok().body("ok")
}
