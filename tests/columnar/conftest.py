import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
for path in (str(HERE.parent), str(HERE)):  # tests/strategies.py and this folder's fastgen.py
    if path not in sys.path:
        sys.path.insert(0, path)


def pytest_configure(config):
    config.addinivalue_line("markers", "spark: runs the generated SQL on pyspark in local mode (needs Java 17); "
                                       "deselect with -m 'not spark'")
