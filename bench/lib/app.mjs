// The one Express app every contender serves: only the session middleware in
// front of it differs. Without a middleware (bare Express, the ceiling) the
// handlers do the same response work with no session behind it.
import { requireFromRoot } from './packages.mjs';

const express = requireFromRoot('express');

/** @param {Function | null} sessionMiddleware */
export function createBenchApp(sessionMiddleware) {
  const app = express();
  if (sessionMiddleware) app.use(sessionMiddleware);
  let bareVisits = 0;

  app.post('/login', (req, res, next) => {
    if (!req.session) return void res.send('welcome');
    // Fixation defence as apps do it: a fresh ID for the authenticated session.
    req.session.regenerate((err) => {
      if (err) return next(err);
      // A small session as apps keep one: a user object and a counter.
      req.session.user = { id: 42, name: 'bench-user', roles: ['reader'] };
      req.session.views = 0;
      res.send('welcome');
    });
  });

  app.get('/read', (req, res) => {
    res.send(req.session?.user?.name ?? 'anonymous');
  });

  // A route that never looks at the session (static pages, health checks).
  app.get('/untouched', (_req, res) => {
    res.send('ok');
  });

  app.get('/modify', (req, res) => {
    const views = req.session ? (req.session.views = (req.session.views ?? 0) + 1) : ++bareVisits;
    res.send(String(views));
  });

  return app;
}
