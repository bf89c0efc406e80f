"""Forms check shape only; the services check meaning (and the files' content)."""

from gongzhi.cases.forms.actions import (
    ActionForm,
    AnswerForm,
    AssessForm,
    DispatchForm,
    EmptyActionForm,
    ExtendForm,
    MergeForm,
    NotAcceptForm,
    NoteForm,
    RateForm,
    ReasonForm,
    ReassignForm,
    ResolveForm,
    VisitForm,
)
from gongzhi.cases.forms.filing import (
    BulkDispatchForm,
    ImportForm,
    IntakeForm,
    MetricsFilterForm,
    QueueFilterForm,
    ReportForm,
)

__all__ = [
    "ActionForm",
    "AnswerForm",
    "AssessForm",
    "BulkDispatchForm",
    "DispatchForm",
    "EmptyActionForm",
    "ExtendForm",
    "ImportForm",
    "IntakeForm",
    "MergeForm",
    "MetricsFilterForm",
    "NoteForm",
    "NotAcceptForm",
    "QueueFilterForm",
    "RateForm",
    "ReasonForm",
    "ReassignForm",
    "ReportForm",
    "ResolveForm",
    "VisitForm",
]
