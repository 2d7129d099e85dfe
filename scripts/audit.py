"""pip-audit of the runtime requirements: fails on any known vulnerability, and says plainly
which packages could not be audited (e.g. a network that reaches the package index but not
the vulnerability service) instead of reporting them as clean."""

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def main():
    result = subprocess.run(
        [
            str(Path(sys.executable).parent / "pip-audit"),
            "-r",
            str(ROOT / "requirements.txt"),
            "--format",
            "json",
            "--progress-spinner",
            "off",
        ],
        capture_output=True,
        text=True,
        timeout=600,
    )
    try:
        report = json.loads(result.stdout)
    except json.JSONDecodeError:
        print(f"pip-audit did not run: {result.stderr.strip()[-500:]}")
        return 1
    deps = report.get("dependencies", [])
    vulnerable = [d for d in deps if d.get("vulns")]
    skipped = [d for d in deps if d.get("skip_reason")]
    for d in vulnerable:
        for v in d["vulns"]:
            print(
                f"VULNERABLE {d['name']} {d.get('version')}: {v['id']} "
                f"(fixed in {v.get('fix_versions')})"
            )
    audited = len(deps) - len(skipped)
    print(f"pip-audit: {audited} of {len(deps)} packages audited, {len(vulnerable)} vulnerable.")
    if skipped:
        print(
            f"NOT AUDITED ({len(skipped)}): the vulnerability service could not be reached for "
            + ", ".join(d["name"] for d in skipped)
        )
    return 1 if vulnerable else 0


if __name__ == "__main__":
    sys.exit(main())
