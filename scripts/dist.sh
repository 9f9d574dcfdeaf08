#!/usr/bin/env bash
# make dist: the release executables bureaus download, each with a SHA-256 file, into dist/.
# Installs the Rust targets and Debian's cross toolchains it needs (as root), says clearly what
# it could not get, builds (release profile: LTO, stripped, web UI embedded), checks the size
# limit, and runs the smoke test of every binary this machine can run (aarch64 under qemu-user).
# Set DIST_TARGETS to build only some, e.g. DIST_TARGETS="aarch64-unknown-linux-gnu".
set -uo pipefail
cd "$(dirname "$0")/.."

MAX_MB=20
version=$(sed -n 's/^version = "\(.*\)"/\1/p' Cargo.toml | head -n 1)
# target triple | file name | Debian packages | the command that must exist
targets=(
  "x86_64-unknown-linux-gnu|gongwucang-$version-linux-x86_64|gcc|cc"
  "x86_64-unknown-linux-musl|gongwucang-$version-linux-x86_64-musl|musl-tools|musl-gcc"
  "x86_64-pc-windows-gnu|gongwucang-$version-windows-x86_64.exe|gcc-mingw-w64-x86-64|x86_64-w64-mingw32-gcc"
  "aarch64-unknown-linux-gnu|gongwucang-$version-linux-aarch64|gcc-aarch64-linux-gnu libc6-dev-arm64-cross|aarch64-linux-gnu-gcc"
  "aarch64-unknown-linux-musl|gongwucang-$version-linux-aarch64-musl|gcc-aarch64-linux-gnu|aarch64-linux-gnu-gcc"
)

if [ -n "${DIST_TARGETS:-}" ]; then
  chosen=()
  for wanted in $DIST_TARGETS; do
    found=
    for entry in "${targets[@]}"; do
      [ "${entry%%|*}" = "$wanted" ] && chosen+=("$entry") && found=1
    done
    [ -n "$found" ] || { echo "DIST_TARGETS 中的 $wanted 不是可构建的目标：${targets[*]%%|*}"; exit 2; }
  done
  targets=("${chosen[@]}")
fi

missing_packages=()
for entry in "${targets[@]}"; do
  IFS='|' read -r target _ packages tool <<<"$entry"
  command -v "$tool" >/dev/null || missing_packages+=($packages)
  [[ $target == aarch64-* ]] && ! command -v qemu-aarch64 >/dev/null && missing_packages+=(qemu-user)
done
command -v curl >/dev/null || missing_packages+=(curl)
command -v npm >/dev/null || echo "警告：缺少 node 和 npm（构建网页界面需要），请安装 Node.js 20 或更高版本"
mapfile -t missing_packages < <(printf '%s\n' "${missing_packages[@]}" | sort -u | sed '/^$/d')
if [ ${#missing_packages[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ]; then
    echo "安装交叉编译工具：${missing_packages[*]}"
    apt-get update -qq
    for package in "${missing_packages[@]}"; do
      DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$package" >/dev/null || echo "警告：无法安装 $package"
    done
  else
    echo "警告：缺少 ${missing_packages[*]}，请运行：sudo apt-get install ${missing_packages[*]}"
  fi
fi

make web >/dev/null || { echo "网页界面构建失败"; exit 1; }
mkdir -p dist
built=()
skipped=()
failed=()
for entry in "${targets[@]}"; do
  IFS='|' read -r target file _ tool <<<"$entry"
  if ! command -v "$tool" >/dev/null; then
    skipped+=("$target（缺少 $tool）")
    continue
  fi
  if ! rustup target list --installed 2>/dev/null | grep -qx "$target"; then
    rustup target add "$target" || { skipped+=("$target（rustup 无法安装该目标）"); continue; }
  fi
  echo "== 构建 $target"
  # A file left from an earlier run must never pass for this build.
  rm -f "dist/$file" "dist/$file.sha256"
  if ! cargo build --release --locked --target "$target"; then
    failed+=("$target（构建失败）")
    continue
  fi
  exe=gongwucang
  [[ $target == *windows* ]] && exe=gongwucang.exe
  built_file="${CARGO_TARGET_DIR:-target}/$target/release/$exe"
  bytes=$(stat -c %s "$built_file")
  if [ "$bytes" -gt $((MAX_MB * 1024 * 1024)) ]; then
    failed+=("$target（$((bytes / 1048576)) MB，超过 $MAX_MB MB）")
    continue
  fi
  cp "$built_file" "dist/$file"
  (cd dist && sha256sum "$file" >"$file.sha256")
  built+=("$target|$file|$bytes")
done

echo
echo "== 冒烟测试（--version、init、demo、serve、登录、停止）"
for entry in "${built[@]}"; do
  IFS='|' read -r target file _ <<<"$entry"
  case $target in
    x86_64-unknown-linux-*) runner=() ;;
    aarch64-unknown-linux-gnu) runner=(qemu-aarch64 -L /usr/aarch64-linux-gnu) ;;
    aarch64-unknown-linux-musl) runner=(qemu-aarch64) ;;
    *) echo "$target：本机无法运行（需要 Windows），已由 cargo 交叉编译检查"; continue ;;
  esac
  if [ ${#runner[@]} -gt 0 ] && ! command -v "${runner[0]}" >/dev/null; then
    failed+=("$target（缺少 ${runner[0]}，未做冒烟测试）")
    continue
  fi
  echo "$target ${runner[*]:+（${runner[*]}）}"
  scripts/smoke.sh "dist/$file" "${runner[@]}" || failed+=("$target（冒烟测试失败）")
done

echo
echo "== dist/"
for entry in "${built[@]}"; do
  IFS='|' read -r target file bytes <<<"$entry"
  awk -v f="$file" -v b="$bytes" -v h="$(cut -c1-16 "dist/$file.sha256")" \
    'BEGIN { printf "%-46s %6.1f MB  sha256 %s…\n", f, b / 1048576, h }'
done
for s in "${skipped[@]}"; do echo "未构建：$s"; done
for f in "${failed[@]}"; do echo "失败：$f"; done
[ ${#failed[@]} -eq 0 ] && [ ${#skipped[@]} -eq 0 ]
