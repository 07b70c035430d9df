#!/usr/bin/env bash
# Regenerates the workbook fixtures (levels.xlsx, levels.xls, levels.ods) from their readable
# source, tests/fixtures/workbooks/levels.fods, with LibreOffice — which calculates the formulas and
# stores their results as Excel and LibreOffice do. Needs `libreoffice-calc-nogui` (Debian).
set -euo pipefail
cd "$(dirname "$0")/../tests/fixtures/workbooks"
profile=$(mktemp -d)
trap 'rm -rf "$profile"' EXIT
for target in xlsx:"Calc MS Excel 2007 XML" xls:"MS Excel 97" ods:calc8; do
    ext=${target%%:*}
    filter=${target#*:}
    soffice -env:UserInstallation=file://"$profile" --headless --convert-to "$ext:$filter" --outdir . levels.fods >/dev/null
done
ls -l levels.xlsx levels.xls levels.ods
