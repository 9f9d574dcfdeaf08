fn main() {
    println!("cargo:rerun-if-changed=web/dist");
    let _ = std::fs::create_dir_all("web/dist");
}
