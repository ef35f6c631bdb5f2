# yigai — the two commands a newcomer needs: `make run` and `make test`.
# Each does its own set-up (virtualenv + install) on a fresh machine.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: run test setup lint typecheck unit unit-pg bench clean browser-deps office-deps gettext-deps nginx-deps office-fonts

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	@touch $(STAMP)

setup: $(STAMP)

## run: set up, load the demo (reference data, the five sample plans, demo users) and serve it
run: $(STAMP) office-deps office-fonts
	$(BIN)/yigai run

## test: set up, then lint, type-check and run the whole suite exactly as CI does
test: $(STAMP) browser-deps office-deps gettext-deps nginx-deps office-fonts lint typecheck
	@# the SQLite and PostgreSQL runs are single-threaded and independent (own databases, own temporary
	@# directories, browser and deploy tests only in the SQLite run): side by side they use both cores and
	@# halve the wall time; each run's output is printed whole when it ends
	$(MAKE) --no-print-directory -j2 --output-sync=target unit unit-pg

lint: $(STAMP)
	$(BIN)/ruff check src tests bench
	$(BIN)/ruff format --check src tests bench
	$(BIN)/bandit -q -r src -c pyproject.toml

typecheck: $(STAMP)
	$(BIN)/mypy

unit: $(STAMP)
	$(BIN)/pytest

# The database tests a second time on PostgreSQL (127.0.0.1:5432, trust auth, database `test`).
# Outside CI an unreachable server skips this run with a visible message; under CI=true it fails.
PG_URL ?= postgres://postgres@127.0.0.1:5432/test
PG_TESTS := tests/apps tests/web tests/cli tests/security
unit-pg: $(STAMP)
	@if $(BIN)/python -c "import psycopg; psycopg.connect('$(PG_URL)', connect_timeout=3).close()" 2>/dev/null; then \
	  echo "database tests on PostgreSQL ($(PG_URL))"; \
	  DATABASE_URL=$(PG_URL) $(BIN)/pytest -m "not browser" $(PG_TESTS); \
	elif [ "$$CI" = "true" ]; then echo "error: PostgreSQL unreachable at $(PG_URL) and CI=true"; exit 1; \
	else echo "SKIPPED: PostgreSQL tests: no server at $(PG_URL) (under CI=true this fails)"; fi

# The catalogue test extracts messages with gettext's xgettext (and msgfmt compiles them); under CI=true a
# missing xgettext fails that test instead of skipping it.
gettext-deps:
	@command -v xgettext >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	    echo "installing Debian gettext for the translation catalogue check"; \
	    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq gettext >/dev/null) \
	      || echo "warning: could not install gettext; the catalogue check will be skipped (fails under CI=true)"; \
	  else echo "warning: gettext not installed and not root; the catalogue check will be skipped (fails under CI=true)"; fi; }

# Browser tests drive Debian's chromium (no browser download is possible here).
browser-deps:
	@command -v chromium >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	    echo "installing Debian chromium and CJK fonts for browser tests"; \
	    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-wqy-microhei >/dev/null) \
	      || echo "warning: could not install chromium; browser tests will be skipped"; \
	  else echo "warning: chromium not installed and not root; browser tests will be skipped"; fi; }

# Document converters from Debian: LibreOffice (headless, writer only) reads .doc/.wps/.rtf, Tesseract with
# its Simplified Chinese model reads scanned PDFs (ADR 0006). Nothing is downloaded at run time.
office-deps:
	@if command -v soffice >/dev/null 2>&1 && command -v tesseract >/dev/null 2>&1 \
	    && tesseract --list-langs 2>/dev/null | grep -qx chi_sim; then :; \
	elif [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	  echo "installing LibreOffice (writer) and Tesseract with its Chinese model for .doc/.wps/.rtf and scanned PDFs"; \
	  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
	    libreoffice-writer-nogui tesseract-ocr tesseract-ocr-chi-sim fonts-wqy-microhei >/dev/null) \
	    || echo "warning: could not install LibreOffice/Tesseract; .doc/.wps/.rtf and scanned PDFs will be refused"; \
	else echo "warning: LibreOffice/Tesseract not installed and not root; .doc/.wps/.rtf and scanned PDFs will be refused"; fi

# The front-server test (tests/deploy) runs the shipped deploy/nginx/yigai.conf with Debian's nginx.
nginx-deps:
	@command -v nginx >/dev/null 2>&1 || test -x /usr/sbin/nginx || { \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	    echo "installing Debian nginx-light for the front-server test"; \
	    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nginx-light openssl >/dev/null) \
	      || echo "warning: could not install nginx; the front-server test will be skipped (fails under CI=true)"; \
	  else echo "warning: nginx not installed and not root; the front-server test will be skipped (fails under CI=true)"; fi; }

# Open CJK fonts for the 公文-format briefing's PDF (LibreOffice draws 仿宋_GB2312/小标宋 with Noto CJK).
office-fonts:
	@fc-list 2>/dev/null | grep -q "Noto Serif CJK" || { \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	    echo "installing Debian fonts-noto-cjk for the briefing PDF"; \
	    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq fonts-noto-cjk >/dev/null) \
	      || echo "warning: could not install fonts-noto-cjk; the briefing PDF uses another CJK font"; \
	  else echo "warning: fonts-noto-cjk not installed and not root; the briefing PDF uses another CJK font"; fi; }

bench: $(STAMP)
	$(BIN)/python -m pip install --quiet -e '.[dev,bench]'
	$(BIN)/python bench/extract.py
	$(BIN)/python bench/indicators.py
	$(BIN)/python bench/access.py

clean:
	rm -rf $(VENV) build *.egg-info src/*.egg-info
