import re
from urllib.parse import unquote, urlsplit

from axes.utils import reset as axes_reset
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login as auth_login
from django.contrib.auth import logout as auth_logout
from django.contrib.auth import update_session_auth_hash
from django.http import HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import Resolver404, get_script_prefix, resolve, reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_protect
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods
from django_ratelimit.core import is_ratelimited

from accounts import services
from accounts.access import AUTHENTICATED, FAMILY, PUBLIC, access
from accounts.forms import LoginForm, PasswordGenerateForm, PortalPasswordChangeForm
from accounts.models import Establishment

SITE_COOKIE = "imuse_site"
SITE_COOKIE_AGE = 60 * 60 * 24 * 365
SITE_CODE = re.compile(r"[-a-zA-Z0-9_]{1,20}")


def safe_next(request, candidate: str | None, fallback: str) -> str:
    """``candidate`` if it is a page of this site worth returning to (a path of one of its
    URLs), else ``fallback``."""
    if (
        not candidate
        or not candidate.startswith("/")
        or not url_has_allowed_host_and_scheme(
            candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        )
    ):
        return fallback
    path = unquote(urlsplit(candidate).path)
    prefix = get_script_prefix()  # "/portail/" when served under a sub-path
    try:
        resolve("/" + path.removeprefix(prefix) if path.startswith(prefix) else path)
    except Resolver404:
        return fallback
    if path == reverse("accounts:logout"):
        return fallback
    return candidate


def remembered_site(request):
    code = request.COOKIES.get(SITE_COOKIE, "")
    if SITE_CODE.fullmatch(code):
        site = Establishment.objects.active().filter(code=code).first()
        if site is not None:
            return site
    sites = list(Establishment.objects.active()[:2])
    return sites[0] if len(sites) == 1 else None


@access(PUBLIC)
@sensitive_post_parameters("password")
@csrf_protect
@never_cache
@require_http_methods(["GET", "POST"])
def login_view(request):
    """Connexion: site, identifier and password of a family account."""
    next_url = safe_next(
        request, request.POST.get("next") or request.GET.get("next"), reverse("home")
    )
    if request.user.is_authenticated and request.user.is_family:
        return HttpResponseRedirect(next_url)
    if request.method == "POST":
        # Blocked logins and addresses (accounts.lockout) are answered by django-axes.
        form = LoginForm(request, data=request.POST)
        if form.is_valid():
            user = form.user
            services.login_recorded(user=user, password=form.cleaned_data["password"])
            auth_login(request, user)
            # This login's earlier failures are forgotten; other logins' are not.
            axes_reset(username=user.username)
            if user.must_change_password:
                messages.info(request, _("Welcome. Please now choose your own password."))
                next_url = reverse("accounts:password_change")
            response = HttpResponseRedirect(next_url)
            response.set_cookie(
                SITE_COOKIE,
                user.establishment.code,
                max_age=SITE_COOKIE_AGE,
                samesite="Lax",
                httponly=True,
                secure=settings.SESSION_COOKIE_SECURE,
            )
            chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
            if chosen in dict(settings.LANGUAGES):
                # The language picked on the login page is the latest choice: it is kept.
                if user.language != chosen:
                    user.language = chosen
                    user.save(update_fields=["language"])
            elif user.language:
                set_language_cookie(response, user.language)
            return response
    else:
        site = remembered_site(request)
        form = LoginForm(request, initial={"establishment": site.pk if site else None})
    return render(
        request,
        "accounts/login.html",
        {"form": form, "next": next_url, "page_title": gettext_lazy("Log in")},
    )


@access(AUTHENTICATED)
@require_http_methods(["GET", "POST"])
def logout_view(request):
    """Déconnexion: a confirmation page (GET), then the logout itself (POST)."""
    if request.method == "POST":
        auth_logout(request)
        messages.success(request, _("You are logged out."))
        return redirect(settings.LOGIN_URL)
    return render(request, "accounts/logout.html", {"page_title": gettext_lazy("Log out")})


def set_language_cookie(response, language: str) -> None:
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        language,
        max_age=settings.LANGUAGE_COOKIE_AGE,
        samesite=settings.LANGUAGE_COOKIE_SAMESITE,
        secure=settings.LANGUAGE_COOKIE_SECURE,
        httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
    )


@access(PUBLIC)
@require_http_methods(["GET", "POST"])
def set_language(request):
    """The language switch of every page: remembered in a cookie and on the account."""
    if request.method != "POST":
        # A bookmarked or typed address changes nothing.
        return HttpResponseRedirect(reverse("home"))
    next_url = safe_next(request, request.POST.get("next"), reverse("home"))
    response = HttpResponseRedirect(next_url)
    language = request.POST.get("language", "")
    if language in dict(settings.LANGUAGES):
        set_language_cookie(response, language)
        user = request.user
        if user.is_authenticated and user.language != language:
            user.language = language
            user.save(update_fields=["language"])
    return response


def _too_many(request, group: str, key, rate: str) -> bool:
    return is_ratelimited(request, group=group, key=key, rate=rate, method="POST", increment=True)


@access(PUBLIC)
@sensitive_post_parameters()
@csrf_protect
@never_cache
@require_http_methods(["GET", "POST"])
def password_generate(request):
    """Générer un nouveau mot de passe: always the same answer, matched or not."""
    context = {"page_title": gettext_lazy("Generate a new password")}
    if request.method == "POST":
        form = PasswordGenerateForm(request.POST)
        if form.is_valid():
            if _too_many(
                request, "password-generate-ip", "ip", settings.PASSWORD_GENERATION_RATE_PER_ADDRESS
            ):
                form.add_error(
                    None,
                    _(
                        "Too many requests for a new password from your network: wait an hour "
                        "before asking again. The last password sent by e-mail is still valid."
                    ),
                )
                context["form"] = form
                return render(request, "accounts/password_generate.html", context, status=429)
            establishment = form.cleaned_data["establishment"]
            identifier = form.cleaned_data["identifier"].strip().lower()
            email = form.cleaned_data["email"].strip().lower()
            # Past the limit for one login and e-mail the answer stays the same, but nothing is
            # sent or replaced: nobody can flood a family's mailbox, and requests made with a
            # wrong e-mail do not use up the family's own.
            if not _too_many(
                request,
                "password-generate-identifier",
                lambda group, request: f"{establishment.pk}:{identifier}:{email}",
                settings.PASSWORD_GENERATION_RATE_PER_IDENTIFIER,
            ):
                services.temporary_password_send(
                    establishment=establishment,
                    identifier=identifier,
                    email=email,
                    login_url=request.build_absolute_uri(reverse("accounts:login")),
                )
            context["hours"] = settings.TEMPORARY_PASSWORD_HOURS
            return render(request, "accounts/password_sent.html", context)
    else:
        site = remembered_site(request)
        form = PasswordGenerateForm(initial={"establishment": site.pk if site else None})
    return render(request, "accounts/password_generate.html", {**context, "form": form})


@access(FAMILY)
@sensitive_post_parameters()
@csrf_protect
@never_cache
@require_http_methods(["GET", "POST"])
def password_change(request):
    """Mot de passe: the current session stays, the account's other sessions end."""
    context = {"page_title": gettext_lazy("Password")}
    if request.method == "POST":
        form = PortalPasswordChangeForm(request.user, request.POST)
        if form.is_valid():
            services.password_change(
                user=request.user, new_password=form.cleaned_data["new_password1"]
            )
            # The other sessions carry the old password's hash and end on their next request.
            update_session_auth_hash(request, request.user)
            messages.success(request, _("Your password has been changed."))
            return redirect("home")
    else:
        form = PortalPasswordChangeForm(request.user)
    return render(request, "accounts/password_change.html", {**context, "form": form})


def rate_limited(request, exception):
    """django-ratelimit's refusal page, for views that use its decorator."""
    return render(
        request,
        "accounts/locked_out.html",
        {
            "page_title": gettext_lazy("Too many requests"),
            "message": _("Too many requests: wait a moment, then try again."),
        },
        status=429,
    )
