/** Allegro's OAuth endpoints (device flow, token) and the page where a seller approves a device. */
import type { Answer } from '../answers';
import type { OAuthServer } from '../oauth';
import type { Route } from './route';

/** OAuth takes its parameters from the query and the form body alike. */
function oauthParams(url: URL, body: string): URLSearchParams {
  const params = new URLSearchParams(url.search);
  for (const [k, v] of new URLSearchParams(body)) params.set(k, v);
  return params;
}

function approvalPage(url: URL, body: string, method: string, oauth: OAuthServer): Answer {
  const params = oauthParams(url, body);
  const code = params.get('code') ?? '';
  let note = '';
  if (method === 'POST')
    note = oauth.decide(code, params.get('decision') === 'approve')
      ? `Decision saved for ${code}.`
      : `Unknown or used code ${code}.`;
  const esc = (s: string) => s.replace(/[&<>"]/g, (c) => `&#${c.charCodeAt(0)};`);
  const html = `<!doctype html><meta charset="utf-8"><title>Powiąż aplikację</title><h1>Allegro simulator: powiąż aplikację</h1><p>${esc(note)}</p><form method="post"><input name="code" value="${esc(code)}"><button name="decision" value="approve">Pozwól</button><button name="decision" value="deny">Odmów</button></form>`;
  return { status: 200, body: html, type: 'text/html; charset=utf-8' };
}

export const oauthRoutes: Route[] = [
  {
    methods: ['POST'],
    path: '/auth/oauth/device',
    kind: 'oauth',
    handle: ({ headers, url, body }, sim) =>
      sim.oauth.device(headers.authorization, oauthParams(url, body), sim.verificationUri()),
  },
  {
    methods: ['POST'],
    path: '/auth/oauth/token',
    kind: 'oauth',
    handle: ({ headers, url, body }, { oauth }) => oauth.token(headers.authorization, oauthParams(url, body)),
  },
  {
    methods: ['GET', 'POST'],
    path: '/skojarz-aplikacje',
    kind: 'page',
    handle: ({ url, body, method }, { oauth }) => approvalPage(url, body, method, oauth),
  },
];
