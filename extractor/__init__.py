"""zh-extractor: Chinese quantities, targets and entities as source-grounded JSON records.

    >>> import extractor
    >>> [r.value for r in extractor.extract("力争新增高新技术企业1000家以上", doc_id="a1")]
    [1000]
"""

from .errors import ExtractorError, InputError, RuleError
from .pipeline import Pipeline, extract, review
from .records import EntityRecord, Record, TargetRecord
from .review import Review
from .rules import load_rules

__version__ = "0.1.0"
__all__ = [
    "EntityRecord",
    "ExtractorError",
    "InputError",
    "Pipeline",
    "Record",
    "Review",
    "RuleError",
    "TargetRecord",
    "__version__",
    "extract",
    "load_rules",
    "review",
]
