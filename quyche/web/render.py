"""The explorer's pages, written with Jinja2 (autoescape on) from the catalog's views.

The same pages are served by ``quyche serve`` and written by ``quyche site OUT``; every link between
them is relative (``dieu-8.html``, ``../static/quyche.css``), so the static copy opens from disk. The
Vietnamese pages sit at the root and the English ones under ``en/``, with the same file names:

    index.html  chuong-N.html  dieu-N.html  su-kien.html (the form: needs the server)  static/…

Interface words are in :data:`TEXT`, Vietnamese first; the regulation's words come from the rules.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from pathlib import Path
from typing import Any, Literal

from jinja2 import Environment, FileSystemLoader, StrictUndefined

from quyche.explain import citation_text, deadline_text
from quyche.labels import EVENT_LABELS, label
from quyche.render import date_text
from quyche.web.catalog import BADGES, Catalog, Evaluation
from quyche.web.forms import FormField, event_fields

Lang = Literal["vi", "en"]
HERE = Path(__file__).resolve().parent
STATIC = HERE / "static"
FORM_PAGE = "su-kien.html"

TEXT: dict[str, tuple[str, str]] = {
    "site": (
        "Quy chế phối hợp — tỉnh Bình Phước, nhiệm kỳ 2021–2026",
        "Coordination regulation — Bình Phước, 2021–2026",
    ),
    "full_name": (
        "Quy chế phối hợp công tác giữa Đoàn đại biểu Quốc hội tỉnh, Thường trực Hội đồng nhân dân tỉnh, "
        "Ủy ban nhân dân tỉnh và Ban Thường trực Ủy ban Mặt trận Tổ quốc Việt Nam tỉnh Bình Phước, "
        "nhiệm kỳ 2021–2026",
        "Regulation on coordination between the Provincial National Assembly Delegation, the Standing "
        "Committee of the Provincial People's Council, the Provincial People's Committee and the Standing "
        "Board of the Provincial Fatherland Front Committee of Bình Phước, term 2021–2026",
    ),
    "caveat": (
        "Chưa có văn bản ký của Quy chế. Bố cục chương, điều và nội dung từng điều dưới đây được diễn giải "
        "từ bản tóm tắt công khai; mỗi quy định ghi rõ nguồn: theo bản tóm tắt, theo luật (nêu văn bản và "
        "điều luật) hoặc suy luận, cần đối chiếu văn bản ký.",
        "The signed text of the regulation is not available. The chapters, the articles and what each "
        "article says are paraphrased from the public summary; every rule states its source: from the "
        "summary, from national law (instrument and article named), or inferred, to be checked against "
        "the signed text.",
    ),
    "contents": ("Mục lục", "Contents"),
    "try": ("Thử áp dụng cho một sự kiện", "Try an event"),
    "switch": ("English", "Tiếng Việt"),
    "switch_lang": ("en", "vi"),
    "chapter": ("Chương", "Chapter"),
    "article": ("Điều", "Article"),
    "articles": ("Các điều", "Articles"),
    "legend": ("Nguồn của quy định", "Where a rule comes from"),
    "legend_summary": ("nêu trong bản tóm tắt công khai của Quy chế", "stated in the public summary"),
    "legend_law": ("theo văn bản pháp luật, có nêu văn bản và điều luật", "national law, instrument and article named"),
    "legend_reconstructed": ("do nhóm biên soạn suy luận, phải đối chiếu văn bản ký", "inferred by the authors"),
    "coverage": ("Kiểm thử bằng kịch bản", "Coverage by scenarios"),
    "coverage_line": (
        "{fired}/{total} quy định được ít nhất một kịch bản kiểm thử áp dụng ({percent}%); {scenarios} kịch bản, "
        "{failed} kịch bản không đạt.",
        "{fired} of {total} rules are applied by at least one test scenario ({percent}%); {scenarios} scenarios, "
        "{failed} failing.",
    ),
    "unfired": ("Quy định chưa có kịch bản", "Rules no scenario applies"),
    "uncovered": ("Điều có quy định nhưng chưa có kịch bản", "Articles with rules but no scenario"),
    "scenario_errors": ("Tệp kịch bản không đọc được", "Scenario files that could not be read"),
    "n_rules": ("{n} quy định", "{n} rules"),
    "n_scenarios": ("{n} kịch bản", "{n} scenarios"),
    "no_rules": ("không có quy định theo sự kiện", "no event rules"),
    "art_coverage": (
        "{fired}/{rules} quy định của điều có kịch bản kiểm thử; {scenarios} kịch bản "
        "({passed} đạt, {failed} không đạt).",
        "{fired} of the article's {rules} rules are applied by a scenario; {scenarios} scenarios ({passed} pass, "
        "{failed} fail).",
    ),
    "art_text": (
        "Nội dung điều (diễn giải, không phải văn bản ký)",
        "What the article says (a paraphrase, not the signed text)",
    ),
    "no_text": ("Chưa có nội dung diễn giải.", "No paraphrase yet."),
    "clauses": ("Các khoản", "Clauses"),
    "exception_to": ("Ngoại lệ của quy định", "An exception to"),
    "has_exceptions": ("Có quy định ngoại lệ", "Exceptions to it"),
    "table_caption": ("Bảng các trường hợp, mỗi dòng một trường hợp", "The cases, one row each"),
    "if_absent": ("khi sự việc không nêu", "when the event does not give it"),
    "clause": ("Khoản", "Clause"),
    "rules": ("Quy định đã mã hóa", "Rules encoded"),
    "no_rule": (
        "Điều này không có quy định áp dụng theo từng sự kiện.",
        "This article has no rule that applies to a particular event.",
    ),
    "applies": ("Áp dụng khi", "Applies when"),
    "event_is": ("sự kiện là", "the event is"),
    "always": ("mọi trường hợp của loại sự kiện này", "always, for this type of event"),
    "says": ("Nội dung", "What it says"),
    "lead": ("Chủ trì", "Leads"),
    "coordinating": ("Phối hợp", "Coordinate"),
    "notified": ("Gửi để biết", "For information"),
    "informed": ("Thông báo, công khai", "Told or made public"),  # a citizen, the public: as in quyche explain
    "advising": ("Tham mưu", "Advise"),
    "modes": ("Phương thức phối hợp", "Modes of coordination"),
    "duties": ("Trách nhiệm", "Responsibilities"),
    "deadline": ("Thời hạn", "Deadline"),
    "warnings": ("Lưu ý", "Warnings"),
    "cites": ("Viện dẫn thêm", "Also cites"),
    "basis": ("Căn cứ", "Basis"),
    "source_note": ("Ghi chú về nguồn", "Note on the source"),
    "rule_scenarios": ("Kịch bản áp dụng quy định này", "Scenarios that apply this rule"),
    "none_yet": ("chưa có kịch bản nào", "none yet"),
    "art_scenarios": ("Kịch bản kiểm thử của điều", "Scenarios covering the article"),
    "passed": ("Đạt", "Pass"),
    "failed": ("Không đạt", "Fail"),
    "scenario": ("Kịch bản", "Scenario"),
    "file": ("Tệp", "File"),
    "result": ("Kết quả", "Result"),
    "standing": ("Trách nhiệm thường xuyên", "Standing duties"),
    "not_encoded": ("Nội dung chưa mã hóa", "Not encoded"),
    "why": ("lý do", "why"),
    "validity": ("Thời gian hiệu lực", "Period of validity"),
    "previous": ("Điều trước", "Previous article"),
    "next": ("Điều sau", "Next article"),
    "form_title": ("Thử áp dụng Quy chế cho một sự kiện", "Apply the regulation to an event"),
    "form_intro": (
        "Chọn loại sự kiện, điền thông tin rồi bấm «Xem kết quả»: trang cho biết cơ quan chủ trì, phối hợp, "
        "gửi để biết, tham mưu, trách nhiệm và thời hạn của từng cơ quan, căn cứ áp dụng, và các quy định "
        "không áp dụng cùng lý do.",
        "Choose a type of event, fill in what you know and press «Evaluate»: the page says who leads, "
        "coordinates, is informed and advises, each body's duties and deadlines, the provisions applied, "
        "and the rules that did not apply, with the reason.",
    ),
    "event_type": ("Loại sự kiện", "Type of event"),
    "choose": ("Chọn", "Choose"),
    "evaluate": ("Xem kết quả", "Evaluate"),
    "required": ("bắt buộc", "required"),
    "not_given": ("— không nêu —", "— not given —"),
    "yes": ("Có", "Yes"),
    "no": ("Không", "No"),
    "list_hint": ("chọn một hoặc nhiều", "choose one or more"),
    "invalid": ("Sự kiện chưa hợp lệ", "The event is not valid"),
    "field": ("Trường", "Field"),
    "lead_box": ("Cơ quan chủ trì", "Lead body (chủ trì)"),
    "no_lead": ("Không xác định cơ quan chủ trì (xem phần lưu ý)", "No lead body (see the warnings)"),
    "none": ("không có", "none"),
    "reference": ("Ngày làm căn cứ áp dụng", "Reference date"),
    "due": ("hạn", "due"),
    "citations": ("Điều khoản viện dẫn", "Provisions cited"),
    "fired": ("Căn cứ áp dụng", "Provisions applied"),
    "because": ("Điều kiện đáp ứng", "Conditions met"),
    "not_fired": ("Quy định không áp dụng và lý do", "Rules that did not apply, and why"),
    "not_fired_none": (
        "Mọi quy định của loại sự kiện này đều được áp dụng.",
        "Every rule for this type of event applied.",
    ),
    "unmet": ("Chưa đáp ứng", "Not met"),
    "given": ("sự kiện nêu", "the event says"),
    "unmet_unknown": (
        "điều kiện thỏa mãn nhưng quy định không được áp dụng",
        "the condition holds but the rule did not fire",
    ),
    "explanation": ("Bản giải thích đầy đủ (dạng văn bản)", "The full explanation (as text)"),
    "needs_server": (
        "Biểu mẫu cần máy chủ của quyche. Trên máy đã cài quyche, chạy lệnh «quyche serve» rồi mở "
        "http://127.0.0.1:8000/su-kien.html. Dưới đây là các loại sự kiện và thông tin của từng loại.",
        "The form needs the quyche server. On a machine with quyche installed, run «quyche serve» and open "
        "http://127.0.0.1:8000/en/su-kien.html. Below are the types of event and the fields of each.",
    ),
    "fields_of": ("Thông tin của sự kiện", "Fields of the event"),
    "meaning": ("Ý nghĩa và giá trị", "Meaning and values"),
    "note_in_english": (" (bằng tiếng Anh)", ""),
    "not_found": ("Không tìm thấy trang", "Page not found"),
    "not_found_text": ("Trang này không có trong bộ trang Quy chế.", "There is no such page."),
    "footer": (
        "Trang do quyche tạo từ các tệp quy định (rules/*.yaml) và kịch bản kiểm thử; "
        "không tải tài nguyên từ Internet.",
        "Pages made by quyche from the rule files (rules/*.yaml) and the test scenarios; "
        "nothing is loaded from the Internet.",
    ),
}


def chapter_page(n: int) -> str:
    """The file name of a chapter's page."""
    return f"chuong-{n}.html"


def article_page(n: int) -> str:
    """The file name of an article's page."""
    return f"dieu-{n}.html"


class Renderer:
    """Writes the pages of one catalog; ``served`` says whether the form can be submitted."""

    def __init__(self, catalog: Catalog, *, served: bool) -> None:
        self.catalog = catalog
        self.served = served
        self.env = Environment(
            loader=FileSystemLoader(str(HERE / "templates")),
            autoescape=True,
            undefined=StrictUndefined,
            trim_blocks=True,
            lstrip_blocks=True,
        )

    def _context(self, lang: Lang, page: str, **extra: Any) -> dict[str, Any]:
        i = 0 if lang == "vi" else 1

        def t(key: str, **fmt: Any) -> str:
            text = TEXT[key][i]
            return text.format(**fmt) if fmt else text

        def pick(vi: str | None, en: str | None) -> str:
            return (vi if lang == "vi" else en) or vi or en or ""

        def words(identifier: str) -> str:
            return label(identifier, lang)

        def percent(value: float) -> str:
            text = f"{value:.0f}" if value == int(value) else f"{value:.1f}"
            return text.replace(".", ",") if lang == "vi" else text

        root = "" if lang == "vi" else "../"
        switch = f"en/{page}" if lang == "vi" else f"../{page}"
        return {
            "lang": lang,
            "t": t,
            "pick": pick,
            "label": words,
            "percent": percent,
            "event_label": lambda ty: EVENT_LABELS.get(ty, (ty, ty))[i],
            "date_text": lambda d: date_text(d, lang) if isinstance(d, date) else str(d),
            "deadline_text": lambda d: deadline_text(d, lang),
            "citation_text": lambda c: citation_text(c, lang, self.catalog.regulation),
            "badge_text": lambda source: BADGES[source][i],
            "static": lambda name: f"{root}static/{name}",
            "switch_href": switch,
            "page": page,
            "served": self.served,
            "chapters": self.catalog.chapters(),
            "chapter_page": chapter_page,
            "article_page": article_page,
            "form_page": FORM_PAGE,
            **extra,
        }

    def _render(self, template: str, lang: Lang, page: str, **extra: Any) -> str:
        return self.env.get_template(template).render(self._context(lang, page, **extra))

    def index(self, lang: Lang) -> str:
        """The contents: the chapters and their articles, the legend and the coverage."""
        return self._render("index.html", lang, "index.html", summary=self.catalog.summary())

    def chapter(self, number: int, lang: Lang) -> str | None:
        """A chapter's page, or None when there is no such chapter."""
        ch = self.catalog.chapter(number)
        if ch is None:
            return None
        articles = [self.catalog.article(a.number) for a in ch.articles]
        return self._render("chapter.html", lang, chapter_page(number), chapter=ch, articles=articles)

    def article(self, number: int, lang: Lang) -> str | None:
        """An article's page, or None when there is no such article."""
        art = self.catalog.article(number)
        if art is None:
            return None
        numbers = [a.number for a in self.catalog.articles()]
        i = numbers.index(number)
        return self._render(
            "article.html",
            lang,
            article_page(number),
            article=art,
            chapter=self.catalog.chapter(art.chapter),
            previous=numbers[i - 1] if i > 0 else None,
            next=numbers[i + 1] if i + 1 < len(numbers) else None,
        )

    def form(
        self,
        lang: Lang,
        event_type: str | None = None,
        values: Mapping[str, Sequence[str]] | None = None,
        evaluation: Evaluation | None = None,
        errors: Sequence[Mapping[str, Any]] = (),
    ) -> str:
        """The form (served) or the list of event types and fields (static)."""
        types = self.catalog.event_types()
        fields: list[FormField] = event_fields(event_type) if event_type else []
        every = {ty.type: event_fields(ty.type) for ty in types} if not self.served else {}
        return self._render(
            "form.html",
            lang,
            FORM_PAGE,
            types=types,
            event_type=event_type,
            fields=fields,
            values=values or {},
            evaluation=evaluation,
            errors=list(errors),
            every=every,
        )

    def not_found(self, lang: Lang, base_href: str | None = None) -> str:
        """A page for an unknown address (``base_href``: where its relative links start, when served)."""
        return self._render("not_found.html", lang, "index.html", base_href=base_href)

    def pages(self) -> dict[str, str]:
        """Every page of the static site, by relative path (Vietnamese at the root, English under en/)."""
        out: dict[str, str] = {}
        for lang, prefix in (("vi", ""), ("en", "en/")):
            lg: Lang = "vi" if lang == "vi" else "en"
            out[prefix + "index.html"] = self.index(lg)
            for ch in self.catalog.chapters():
                out[prefix + chapter_page(ch.number)] = self.chapter(ch.number, lg) or ""
            for art in self.catalog.articles():
                out[prefix + article_page(art.number)] = self.article(art.number, lg) or ""
            out[prefix + FORM_PAGE] = self.form(lg)
        return out


def static_files() -> dict[str, bytes]:
    """The files under ``static/`` (stylesheet, the form's small script), by name."""
    return {p.name: p.read_bytes() for p in sorted(STATIC.iterdir()) if p.is_file()}
