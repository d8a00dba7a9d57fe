"""Readable marketing text composed from templates and product facts.

Content bodies feed embeddings, search and LLM answers downstream, so they must read like
real emails, landing pages and blog posts about real products; lorem ipsum would teach those
components nothing. Texts are built from a few templates per content type, filled with the
campaign's occasion and category and the featured products' names, prices and descriptions.
"""

from __future__ import annotations

from typing import Final

from ingestion.demo_data import vocabulary as vocab

TIPS: Final[dict[str, tuple[str, ...]]] = {c.name: c.tips for c in vocab.CATEGORIES}

OCCASIONS: Final = (
    "New Year",
    "Winter",
    "Spring",
    "Spring",
    "Spring",
    "Summer",
    "Summer",
    "Summer",
    "Back to Work",
    "Autumn",
    "Black Friday",
    "Christmas",
)

OBJECTIVE_PHRASES: Final[dict[str, str]] = {
    "awareness": "Showcase",
    "acquisition": "New Customer Offer",
    "conversion": "Sale",
    "retention": "Loyalty Offer",
    "reactivation": "We Miss You",
}


def _price(product: dict[str, object]) -> float:
    return float(str(product["price"]))


def _pounds(amount: float) -> str:
    return f"£{amount:,.2f}"


def campaign_name(occasion: str, category: str, objective: str, year: int, channel: str) -> str:
    return f"{occasion} {category} {OBJECTIVE_PHRASES[objective]} {year} ({channel.capitalize()})"


def email_text(
    occasion: str,
    category: str,
    discount: int,
    products: list[dict[str, object]],
    landing_url: str,
    ends: str,
) -> tuple[str, str]:
    """Subject line and body of a campaign email."""
    offer = f"{discount}% off" if discount else "new arrivals in"
    title = f"{occasion}: {offer} {category.lower()} picks for you"
    lines = [
        "Hi {{first_name}},",
        "",
        f"{occasion} is a good moment to refresh your {category.lower()}, so we have picked a few "
        f"favourites from the range{f' and taken {discount}% off them' if discount else ''}.",
        "",
    ]
    for product in products:
        price = _price(product)
        now = price * (100 - discount) / 100
        deal = f"now {_pounds(now)} (was {_pounds(price)})" if discount else _pounds(price)
        lines.append(f"- {product['name']}: {deal}. {str(product['description']).split('. ')[0]}.")
    lines += [
        "",
        f"The offer runs until {ends}. See the full selection: {landing_url}",
        "",
        f"Best wishes,\nThe {vocab.BUSINESS} team",
        "",
        "You are receiving this email because you subscribed to our newsletter. "
        "Unsubscribe at any time from your account page.",
    ]
    return title, "\n".join(lines)


def landing_text(
    occasion: str,
    category: str,
    discount: int,
    products: list[dict[str, object]],
    tip: str,
) -> tuple[str, str]:
    """Title and body of a campaign landing page (Markdown)."""
    title = f"{occasion} {category}" + (f": save {discount}%" if discount else ": our top picks")
    parts = [
        f"# {title}",
        "",
        f"Everything you need in {category.lower()}, chosen by our team for {occasion.lower()}. "
        + (
            f"Use the offer before it ends to save {discount}% at checkout."
            if discount
            else "Free delivery on orders over £50."
        ),
        "",
        "## Featured products",
    ]
    for product in products:
        parts += [
            "",
            f"### {product['name']}",
            str(product["description"]),
            f"Price: {_pounds(_price(product))}",
        ]
    parts += [
        "",
        "## Expert tip",
        tip,
        "",
        f"Questions? Our advisers at {vocab.BUSINESS} are happy to help.",
    ]
    return title, "\n".join(parts)


def post_text(
    category: str, season: str, tips: tuple[str, ...], products: list[dict[str, object]], style: int
) -> tuple[str, str]:
    """Title and body of a blog or social post."""
    if style == 0:
        title = f"{len(tips)} ways to get more from your {category.lower()}"
    elif style == 1:
        title = f"Our favourite {category.lower()} for {season.lower()}"
    else:
        noun = str(products[0]["noun"]).lower() if products else category.lower()
        title = f"How to choose the right {noun}"
    lines = [
        title,
        "",
        f"We asked our {category.lower()} specialists what they tell customers most often.",
    ]
    lines += [f"{i}. {tip}" for i, tip in enumerate(tips, start=1)]
    if products:
        names = ", ".join(str(p["name"]) for p in products)
        lines += ["", f"Products mentioned: {names}."]
    return title, "\n".join(lines)
