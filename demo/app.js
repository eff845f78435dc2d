'use strict';
// The demo's Express app: a page-view counter with login and logout.
// It only needs a session store; server.js decides which one.
const express = require('express');
const session = require('..');

const escapeHtml = (text) =>
  String(text).replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]);

function page({ views, user, sessionId, pid, storeName }) {
  const who = user
    ? `<p>Logged in as <strong>${escapeHtml(user)}</strong>.</p>
       <form method="post" action="/logout"><button>Log out</button></form>`
    : `<form method="post" action="/login">
         <label>Name <input name="name" required maxlength="40"></label> <button>Log in</button>
       </form>`;
  return `<!doctype html>
<html><head><meta charset="utf-8"><title>wasm-session demo</title>
<style>body{font:16px/1.5 system-ui,sans-serif;max-width:40em;margin:2em auto}code{background:#eee;padding:0 .3em}</style>
</head><body>
<h1>wasm-session demo</h1>
<p>You have viewed this page <strong>${views}</strong> time${views === 1 ? '' : 's'} in this session.</p>
${who}
<p>Served by process <code>${pid}</code> with the <code>${storeName}</code>; session <code>${escapeHtml(sessionId)}</code>.</p>
<p><a href="/">Reload</a> · <a href="/api">JSON</a></p>
</body></html>`;
}

/** Builds the app on `store` (undefined: the middleware's default MemoryStore). */
function createDemoApp({ store, storeName }) {
  const app = express();
  app.disable('x-powered-by');
  app.use(express.urlencoded({ extended: false }));
  app.use(
    session({
      secret: process.env.SESSION_SECRET || 'wasm-session demo secret (set SESSION_SECRET)',
      resave: false,
      saveUninitialized: false,
      cookie: { maxAge: 24 * 60 * 60 * 1000, sameSite: 'lax' },
      ...(store ? { store } : {}),
    }),
  );

  const countView = (req) => {
    req.session.views = (req.session.views || 0) + 1;
    return { views: req.session.views, user: req.session.user || null, sessionId: req.sessionID, pid: process.pid, storeName };
  };

  app.get('/', (req, res) => {
    res.type('html').send(page(countView(req)));
  });

  app.get('/api', (req, res) => {
    res.json(countView(req));
  });

  // A new session ID on login, so an ID seen before login is worthless after it.
  app.post('/login', (req, res, next) => {
    const name = String(req.body.name || '').trim().slice(0, 40);
    if (!name) return res.redirect(303, '/');
    const views = req.session.views || 0;
    req.session.regenerate((err) => {
      if (err) return next(err);
      req.session.user = name;
      req.session.views = views;
      res.redirect(303, '/');
    });
  });

  app.post('/logout', (req, res, next) => {
    req.session.destroy((err) => (err ? next(err) : res.redirect(303, '/')));
  });

  return app;
}

module.exports = { createDemoApp };
