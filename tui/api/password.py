"""Changing my password: the API where the profile may, else GLPI's own web page."""

from __future__ import annotations

import contextlib

from cebox_support.tui.api import errors as E
from cebox_support.tui.api.base import ClientBase
from cebox_support.tui.api.transport import SESSION_TOKEN, Transport, basic_authorization
from cebox_support.tui.i18n import _


class PasswordArea(ClientBase):
    """PUT User/N, proven by a fresh sign-in; `updatepassword.php` otherwise."""

    async def change_password(self, current: str, new: str) -> None:
        """Change my password: the API where the profile may, else GLPI's own web page."""
        me = self.me
        if me is None:
            raise E.SessionExpired(_("You are not logged in."), code="NOT_LOGGED_IN")
        if not me.password_expired:
            try:
                await self._request(
                    "PUT",
                    f"User/{me.id}",
                    json_body={"input": {"id": me.id, "password": new, "password2": new}},
                )
            except (E.PermissionDenied, E.InvalidRequest):
                pass
            else:
                # 200 can mean "nothing changed" on GLPI: prove it with the new password.
                if await self._password_works(me.login, new):
                    return
        from cebox_support.tui.api.web import WebSession

        await WebSession(self).change_password(login=me.login, current=current, new=new)
        if me.password_expired:
            self.me = me.model_copy(update={"password_expired": False})

    async def new_password_works(self, new: str) -> bool:
        """After a change whose answer never came: does the new password open a session now?

        Asked before anything else on a retry, because if the change did happen, sending
        the old password as "current" again is refused and reads as a failed change."""
        me = self.me
        if me is None:
            raise E.SessionExpired(_("You are not logged in."), code="NOT_LOGGED_IN")
        return await self._password_works(me.login, new)

    async def _password_works(self, login: str, password: str) -> bool:
        """Does this password open a session? A throwaway sign-in, ended at once."""
        probe = Transport(
            self.api_url,
            app_token=self._app_token,
            verify=self._verify,
            timeout=self._timeout,
            transport=self.lent_transport(),
        )
        try:
            response = await probe._request(
                "GET",
                "initSession",
                params={"get_full_session": "true"},
                headers={"Authorization": basic_authorization(login, password)},
                session=False,
            )
            body = probe._json(response)
            token = body.get("session_token") if isinstance(body, dict) else None
            if not isinstance(token, str) or not SESSION_TOKEN.fullmatch(token):
                raise E.NotGlpi(
                    _("{url} does not answer like a GLPI API. Check the server URL.").format(
                        url=self.api_url
                    )
                )
            probe._session_token = token
            with contextlib.suppress(E.GlpiError):
                await probe._request("GET", "killSession")
            return True
        except E.AuthError:
            return False
        finally:
            await probe.close()
