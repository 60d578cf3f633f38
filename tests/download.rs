//! Downloads against a local HTTP server on 127.0.0.1: good file, wrong checksum, truncated body,
//! 404, FSDD archives good and bad, and the offline switch. Nothing leaves the machine.

mod common;

use std::collections::HashMap;
use std::io::{BufRead, BufReader, Write};
use std::net::TcpListener;
use std::path::Path;
use std::sync::Arc;

use md5::{Digest, Md5};
use multimodal_search::data::{DataDir, DownloadSources};
use multimodal_search::shell::download::{Checksum, Downloader, FsddManifest};
use sha2::Sha256;

/// What the server answers for one path.
#[derive(Clone)]
struct Route {
    status: u16,
    body: Vec<u8>,
    /// Content-Length to announce; more than `body.len()` makes a truncated transfer.
    announce: usize,
}

impl Route {
    fn ok(body: Vec<u8>) -> Self {
        let announce = body.len();
        Route {
            status: 200,
            body,
            announce,
        }
    }
}

/// Serves `routes` on 127.0.0.1 from a background thread; returns the base URL.
/// Unknown paths get 404. The thread lives as long as the test process.
fn serve(routes: HashMap<String, Route>) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    let routes = Arc::new(routes);
    std::thread::spawn(move || {
        for stream in listener.incoming().take(64) {
            let Ok(mut stream) = stream else { continue };
            let routes = routes.clone();
            std::thread::spawn(move || {
                let mut reader = BufReader::new(stream.try_clone().unwrap());
                let mut request_line = String::new();
                reader.read_line(&mut request_line).unwrap_or(0);
                loop {
                    let mut line = String::new();
                    if reader.read_line(&mut line).unwrap_or(0) == 0 || line == "\r\n" {
                        break;
                    }
                }
                let path = request_line
                    .split_whitespace()
                    .nth(1)
                    .unwrap_or("/")
                    .to_string();
                let route = routes.get(&path).cloned().unwrap_or(Route {
                    status: 404,
                    body: b"not found".to_vec(),
                    announce: 9,
                });
                let head = format!(
                    "HTTP/1.1 {} X\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
                    route.status, route.announce
                );
                let _ = stream.write_all(head.as_bytes());
                let _ = stream.write_all(&route.body);
                let _ = stream.flush();
            });
        }
    });
    format!("http://{addr}")
}

fn md5_hex(b: &[u8]) -> String {
    Md5::digest(b).iter().map(|x| format!("{x:02x}")).collect()
}

fn sha_hex(b: &[u8]) -> String {
    Sha256::digest(b)
        .iter()
        .map(|x| format!("{x:02x}"))
        .collect()
}

fn leftovers(dir: &Path) -> Vec<String> {
    std::fs::read_dir(dir)
        .map(|it| {
            it.filter_map(|e| e.ok())
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .collect()
        })
        .unwrap_or_default()
}

#[test]
fn good_wrong_truncated_and_missing_files() {
    let body: Vec<u8> = (0..100_000u32).map(|i| (i % 253) as u8).collect();
    let mut routes = HashMap::new();
    routes.insert("/good.bin".to_string(), Route::ok(body.clone()));
    routes.insert(
        "/short.bin".to_string(),
        Route {
            status: 200,
            body: body[..40_000].to_vec(),
            announce: body.len(),
        },
    );
    let base = serve(routes);
    let dir = tempfile::tempdir().unwrap();
    let d = Downloader::new(false);

    let dest = dir.path().join("good.bin");
    d.fetch_to_file(
        &format!("{base}/good.bin"),
        &dest,
        &Checksum::Md5(md5_hex(&body)),
    )
    .unwrap();
    assert_eq!(std::fs::read(&dest).unwrap(), body);
    let dest2 = dir.path().join("good2.bin");
    d.fetch_to_file(
        &format!("{base}/good.bin"),
        &dest2,
        &Checksum::Sha256(sha_hex(&body)),
    )
    .unwrap();
    assert_eq!(std::fs::read(&dest2).unwrap(), body);

    let wrong = dir.path().join("wrong.bin");
    let err = d
        .fetch_to_file(
            &format!("{base}/good.bin"),
            &wrong,
            &Checksum::Md5("0".repeat(32)),
        )
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("checksum mismatch") && err.contains(&md5_hex(&body)),
        "{err}"
    );
    assert!(!wrong.exists());

    let short = dir.path().join("short.bin");
    let err = d
        .fetch_to_file(
            &format!("{base}/short.bin"),
            &short,
            &Checksum::Md5(md5_hex(&body)),
        )
        .unwrap_err()
        .to_string();
    assert!(err.contains("short.bin"), "{err}");
    assert!(
        err.contains("truncated") || err.contains("connection broke"),
        "{err}"
    );
    assert!(!short.exists());

    let missing = dir.path().join("missing.bin");
    let err = d
        .fetch_to_file(
            &format!("{base}/missing.bin"),
            &missing,
            &Checksum::Md5(md5_hex(&body)),
        )
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("HTTP 404") && err.contains("missing.bin"),
        "{err}"
    );
    assert!(!missing.exists());

    // Only the two good files remain: no partial files anywhere.
    let mut left = leftovers(dir.path());
    left.sort();
    assert_eq!(left, ["good.bin", "good2.bin"]);
}

#[test]
fn mnist_download_checks_the_published_md5() {
    let mut routes = HashMap::new();
    for (name, _) in multimodal_search::data::MNIST_FILES {
        routes.insert(format!("/mnist/{name}"), Route::ok(b"not mnist".to_vec()));
    }
    let base = serve(routes);
    let dir = tempfile::tempdir().unwrap();
    let data = DataDir::new(dir.path(), false).with_sources(DownloadSources {
        mnist_base_url: format!("{base}/mnist/"),
        fsdd_archive_url: format!("{base}/none.tar.gz"),
    });
    let err = data.ensure_mnist().unwrap_err().to_string();
    assert!(
        err.contains("checksum mismatch") && err.contains("f68b3c2dcbeaaa9fbdd348bbdeb94873"),
        "{err}"
    );
    assert!(leftovers(&dir.path().join("mnist")).is_empty());
}

/// A `.tar.gz` shaped like GitHub's archive: `repo-sha/recordings/<name>` plus a README.
fn archive(files: &[(String, Vec<u8>)]) -> Vec<u8> {
    let gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    let mut tar = tar::Builder::new(gz);
    let mut add = |path: &str, data: &[u8]| {
        let mut h = tar::Header::new_gnu();
        h.set_size(data.len() as u64);
        h.set_mode(0o644);
        h.set_cksum();
        tar.append_data(&mut h, path, data).unwrap();
    };
    add("fsdd-abc/README.md", b"readme");
    for (name, data) in files {
        add(&format!("fsdd-abc/recordings/{name}"), data);
    }
    tar.into_inner().unwrap().finish().unwrap()
}

fn small_set() -> Vec<(String, Vec<u8>)> {
    (0..3)
        .map(|i| (format!("{i}_ann_{i}.wav"), vec![i as u8; 100 + i]))
        .collect()
}

fn manifest_of(files: &[(String, Vec<u8>)]) -> FsddManifest {
    let text: String = files
        .iter()
        .map(|(n, d)| format!("{}  {n}\n", sha_hex(d)))
        .collect();
    FsddManifest::parse(&text).unwrap()
}

#[test]
fn fsdd_archive_good_bad_digest_missing_entry_truncated_and_404() {
    let files = small_set();
    let good = archive(&files);
    let mut tampered = files.clone();
    tampered[1].1[0] ^= 1;
    let mut routes = HashMap::new();
    routes.insert("/good.tar.gz".into(), Route::ok(good.clone()));
    routes.insert("/tampered.tar.gz".into(), Route::ok(archive(&tampered)));
    routes.insert("/partial.tar.gz".into(), Route::ok(archive(&files[..2])));
    routes.insert(
        "/cut.tar.gz".into(),
        Route {
            status: 200,
            body: good[..good.len() / 2].to_vec(),
            announce: good.len(),
        },
    );
    let base = serve(routes);
    let manifest = manifest_of(&files);
    let d = Downloader::new(false);

    for (path, needle) in [
        ("/tampered.tar.gz", "checksum mismatch for 1_ann_1.wav"),
        ("/partial.tar.gz", "lacks 2_ann_2.wav (2 of 3"),
        ("/cut.tar.gz", "cut.tar.gz"),
        ("/nothing.tar.gz", "HTTP 404"),
    ] {
        let dir = tempfile::tempdir().unwrap();
        let rec = dir.path().join("fsdd/recordings");
        let err = d
            .fetch_fsdd(&format!("{base}{path}"), &rec, &manifest)
            .unwrap_err()
            .to_string();
        assert!(err.contains(needle), "{path}: {err}");
        assert!(!rec.exists(), "{path}: recordings/ must stay untouched");
        assert!(
            leftovers(&dir.path().join("fsdd")).is_empty(),
            "{path}: staging left behind"
        );
    }

    let dir = tempfile::tempdir().unwrap();
    let rec = dir.path().join("fsdd/recordings");
    assert_eq!(
        d.fetch_fsdd(&format!("{base}/good.tar.gz"), &rec, &manifest)
            .unwrap(),
        3
    );
    for (name, data) in &files {
        assert_eq!(&std::fs::read(rec.join(name)).unwrap(), data);
    }
    assert_eq!(leftovers(&dir.path().join("fsdd")), ["recordings"]);
}

#[test]
fn data_dir_downloads_the_real_fsdd_archive_and_verifies_all_3000() {
    // The real recordings, packed as the pinned commit's archive is, served locally.
    let src = common::data_dir().join("fsdd/recordings");
    let mut files: Vec<(String, Vec<u8>)> = std::fs::read_dir(&src)
        .unwrap()
        .map(|e| {
            let e = e.unwrap();
            (
                e.file_name().to_string_lossy().into_owned(),
                std::fs::read(e.path()).unwrap(),
            )
        })
        .collect();
    files.sort();
    assert_eq!(files.len(), 3000);
    let mut routes = HashMap::new();
    routes.insert("/fsdd.tar.gz".into(), Route::ok(archive(&files)));
    let base = serve(routes);
    let dir = tempfile::tempdir().unwrap();
    let data = DataDir::new(dir.path(), false).with_sources(DownloadSources {
        mnist_base_url: format!("{base}/mnist/"),
        fsdd_archive_url: format!("{base}/fsdd.tar.gz"),
    });
    let scan = data.fsdd().unwrap();
    assert_eq!((scan.train.len(), scan.validation.len()), (2700, 300));
    assert_eq!(FsddManifest::official().len(), 3000);

    // `mmsearch download` after a broken recording was deleted: only that one comes back.
    assert_eq!(
        data.restore_fsdd().unwrap(),
        0,
        "nothing missing, nothing fetched"
    );
    let gone = data.fsdd_dir().join(&files[7].0);
    std::fs::remove_file(&gone).unwrap();
    assert_eq!(data.restore_fsdd().unwrap(), 1);
    assert_eq!(std::fs::read(&gone).unwrap(), files[7].1);
    std::fs::remove_file(&gone).unwrap();
    let offline = DataDir::new(dir.path(), true);
    let err = offline.restore_fsdd().unwrap_err().to_string();
    assert!(err.contains("1 of FSDD's 3000 recordings"), "{err}");
}

#[test]
fn an_unreachable_server_says_what_to_do_and_creates_nothing() {
    let dir = tempfile::tempdir().unwrap();
    // Port 1 on the loopback: refused at once, as an unknown host or a dead network would be.
    let data = DataDir::new(dir.path(), false).with_sources(DownloadSources {
        mnist_base_url: "http://127.0.0.1:1/mnist/".into(),
        fsdd_archive_url: "http://127.0.0.1:1/fsdd.tar.gz".into(),
    });
    for err in [
        data.ensure_mnist().unwrap_err().to_string(),
        data.ensure_fsdd().unwrap_err().to_string(),
    ] {
        assert!(
            err.contains("check the network connection") && err.contains("MMS_DATA"),
            "{err}"
        );
    }
    assert!(
        leftovers(dir.path()).is_empty(),
        "{:?}",
        leftovers(dir.path())
    );

    // A folder that does not exist (a mistyped path) is refused before any download.
    let typo = dir.path().join("dtaa");
    let err = DataDir::new(&typo, false)
        .ensure_mnist()
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("does not exist") && err.contains("dtaa"),
        "{err}"
    );
    assert!(!typo.exists());
}

#[test]
fn offline_never_downloads_and_names_the_folder() {
    let dir = tempfile::tempdir().unwrap();
    // A server that would answer, to prove offline does not even ask.
    let data = DataDir::new(dir.path(), true);
    let err = data.ensure_fsdd().unwrap_err().to_string();
    assert!(
        err.contains("FSDD recordings") && err.contains("MMS_DATA"),
        "{err}"
    );
    // Offline because the code asked, not the user: no advice to unset what was never set.
    assert!(
        err.contains("mmsearch download")
            && !err.contains("MMS_OFFLINE")
            && !err.contains("--offline"),
        "{err}"
    );
    assert!(
        err.contains(&dir.path().join("fsdd/recordings").display().to_string()),
        "{err}"
    );
    let err = data.ensure_mnist().unwrap_err().to_string();
    assert!(
        err.contains("train-images-idx3-ubyte.gz") && err.contains("MMS_DATA"),
        "{err}"
    );
    assert!(leftovers(dir.path()).is_empty());
}

#[test]
fn the_committed_manifest_matches_the_shared_data() {
    let m = FsddManifest::official();
    let src = common::data_dir().join("fsdd/recordings");
    let mut checked = 0;
    for name in m.names() {
        let bytes = std::fs::read(src.join(name)).unwrap();
        assert_eq!(m.digest(name), Some(sha_hex(&bytes).as_str()), "{name}");
        checked += 1;
    }
    assert_eq!(checked, 3000);
}
