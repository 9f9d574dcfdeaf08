use super::*;

fn settings<'a>(exec: &'a str, data: &'a str, user: &'a str) -> ServiceSettings<'a> {
    ServiceSettings { exec: Path::new(exec), data: Path::new(data), listen: "127.0.0.1:8080".parse().unwrap(), user }
}

#[test]
fn the_unit_runs_serve_as_a_dedicated_user_on_a_read_only_system() {
    let unit = systemd_unit(&settings("/usr/local/bin/gongwucang", "/var/lib/gongwucang", "gongwucang")).unwrap();
    for line in [
        "User=gongwucang",
        "Group=gongwucang",
        "ExecStart=/usr/local/bin/gongwucang serve --data /var/lib/gongwucang --listen 127.0.0.1:8080",
        "StateDirectory=gongwucang",
        "ProtectSystem=strict",
        "ReadWritePaths=/var/lib/gongwucang",
        "ProtectHome=yes",
        "NoNewPrivileges=yes",
        "CapabilityBoundingSet=",
        "PrivateTmp=yes",
        "MemoryDenyWriteExecute=yes",
        "SystemCallFilter=@system-service",
        "Restart=on-failure",
        "WantedBy=multi-user.target",
    ] {
        assert!(unit.lines().any(|l| l == line), "missing {line:?} in\n{unit}");
    }
    assert!(unit.contains("useradd --system"), "the install steps are in the header");
}

#[test]
fn a_folder_outside_var_lib_is_made_writable_without_a_state_directory() {
    let unit = systemd_unit(&settings("/opt/gwc/gongwucang", "/srv/gongwucang/data/", "gwc")).unwrap();
    assert!(unit.lines().any(|l| l == "ReadWritePaths=/srv/gongwucang/data"), "{unit}");
    assert!(!unit.contains("StateDirectory="), "{unit}");
}

#[test]
fn paths_and_users_a_unit_file_would_misread_are_refused_in_chinese() {
    for (exec, data, user, expected) in [
        ("gongwucang", "/var/lib/gongwucang", "gongwucang", "--exec 须为绝对路径"),
        ("/usr/local/bin/gongwucang", "var/lib/x", "gongwucang", "--data 须为绝对路径"),
        ("/usr/local/bin/gongwucang", "/data/公物 仓", "gongwucang", "不能包含空格"),
        ("/usr/local/bin/gongwucang", "/data/%h", "gongwucang", "不能包含空格"),
        ("/usr/local/bin/gongwucang", "/var/lib/gongwucang", "Root User", "--user 须为系统用户名"),
        ("/usr/local/bin/gongwucang", "/var/lib/gongwucang", "", "--user 须为系统用户名"),
    ] {
        let err = systemd_unit(&settings(exec, data, user)).unwrap_err().to_string();
        assert!(err.contains(expected), "{exec} {data} {user}: {err}");
    }
}
