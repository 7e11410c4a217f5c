"""A site's name as one value: "Ridgeway Courier Online" and "Ridgeway Courier" are one
source, "the Guardian" and "The Guardian" too; without a name, the URL's domain.

Rules: words a site adds to its name on some pages (" Online", " Digital", " Website"...)
and a domain ending on a brand name ("Salon.com") are dropped while a name is left; a
first letter in lower case is raised. A bare domain ("ridgeway-courier.example") is kept
as written, lower case. The alias file merges what the rules cannot know (a name and its
domain).
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from searchapp.people.aliases import Names, fold

# Added to a site's name on some of its pages; never all of it.
_SUFFIX = re.compile(
    r"(?:\s*[-–—|:]\s*|\s+)(?:online|digital|web ?site|web|home ?page|home|"
    r"online edition|digital edition|e-edition)$", re.IGNORECASE)
# A brand written with its domain: "Salon.com", "AutoIndustriya.com", "Bbc.co.uk".
_TLD = re.compile(r"(?<=\w)\.(?:com|net|org|co\.uk|co|info|news|io|de|fr)$", re.IGNORECASE)
_DOMAIN = re.compile(r"[a-z0-9-]+(?:\.[a-z0-9-]+)+")
_HOST_PREFIX = re.compile(r"^(?:www\d?|m|mobile|amp)\.")


def site_name(name: str) -> str:
    """The common form of a site's name (see the module's rules)."""
    if _DOMAIN.fullmatch(name):
        return _HOST_PREFIX.sub("", name)
    out = name
    while True:
        shorter = _TLD.sub("", _SUFFIX.sub("", out)).strip()
        if shorter == out or not shorter:
            break
        out = shorter
    return out[0].upper() + out[1:] if out[:1].islower() else out


def domain(url: str | None) -> str | None:
    """The host of `url` without "www." and the like, lower case; None without one."""
    if not url:
        return None
    try:
        host = urlsplit(url.strip()).hostname
    except ValueError:
        return None
    return _HOST_PREFIX.sub("", host.rstrip(".")) or None if host else None


def site(name: str, url: str | None, names: Names) -> str | None:
    """The source value of an article with this site name (cleaned) and URL."""
    if name:
        folded = fold(name)
        if names and folded in names.merge:
            return names.merge[folded]
        if names and folded in names.ignore:
            return None
        value = name if names and folded in names.keep_apart else site_name(name)
    else:
        value = domain(url)
        if not value:
            return None
    folded = fold(value)
    if names and folded in names.ignore:
        return None
    return names.merge.get(folded, value) if names else value
