//! Where the datasets come from: MNIST's four files with their published MD5 digests and FSDD's
//! repository at a pinned commit (the `download` feature fetches them; see `mmsearch download`).

/// MNIST's original gzip files and their MD5 digests (as published with the dataset).
pub const MNIST_FILES: [(&str, &str); 4] = [
    (
        "train-images-idx3-ubyte.gz",
        "f68b3c2dcbeaaa9fbdd348bbdeb94873",
    ),
    (
        "train-labels-idx1-ubyte.gz",
        "d53e105ee54ea40749a09fcbcd1e9432",
    ),
    (
        "t10k-images-idx3-ubyte.gz",
        "9fb629c4189551a2d022fa330f9573f3",
    ),
    (
        "t10k-labels-idx1-ubyte.gz",
        "ec29112dd5afa0611ce80d1b7f02629c",
    ),
];

/// The FSDD commit the download is pinned to (its README lists 6 speakers and 3,000 recordings).
pub const FSDD_COMMIT: &str = "1306d2c6da002dfb2fd1f113d8596d801648a085";

/// Where the datasets are fetched from; `Default` reads `MMS_MNIST_URL` and `MMS_FSDD_URL`
/// (for mirrors and tests) and otherwise uses the public sources.
///
/// # Example
/// ```
/// let s = multimodal_search::data::DownloadSources::public();
/// assert!(s.mnist_base_url.ends_with('/'));
/// assert!(s.fsdd_archive_url.contains(multimodal_search::data::FSDD_COMMIT));
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DownloadSources {
    /// A folder URL holding MNIST's four `.gz` files (ends with `/`).
    pub mnist_base_url: String,
    /// A `.tar.gz` of the FSDD repository whose `recordings/` holds the WAVs.
    pub fsdd_archive_url: String,
}

impl DownloadSources {
    /// The public sources: the MNIST mirror `torchvision` uses, and GitHub's archive of FSDD at
    /// [`FSDD_COMMIT`].
    pub fn public() -> Self {
        DownloadSources {
            mnist_base_url: "https://ossci-datasets.s3.amazonaws.com/mnist/".into(),
            fsdd_archive_url: format!(
                "https://github.com/Jakobovski/free-spoken-digit-dataset/archive/{FSDD_COMMIT}.tar.gz"
            ),
        }
    }
}

impl Default for DownloadSources {
    fn default() -> Self {
        let mut s = Self::public();
        if let Ok(u) = std::env::var("MMS_MNIST_URL") {
            s.mnist_base_url = if u.ends_with('/') { u } else { format!("{u}/") };
        }
        if let Ok(u) = std::env::var("MMS_FSDD_URL") {
            s.fsdd_archive_url = u;
        }
        s
    }
}
