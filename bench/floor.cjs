// The floor for the Action's cold start: a bare Node script that makes the same one request the freeze check makes
// (list the open incidents) with the global fetch, parses the answer and exits.
// usage: GITHUB_API_URL=... GITHUB_REPOSITORY=owner/name INPUT_GITHUB-TOKEN=... node bench/floor.cjs
'use strict';
const api = process.env.GITHUB_API_URL;
const repo = process.env.GITHUB_REPOSITORY;
const token = process.env['INPUT_GITHUB-TOKEN'];
fetch(`${api}/repos/${repo}/issues?state=open&per_page=100&labels=incident`, {
  headers: { authorization: `token ${token}`, accept: 'application/vnd.github.v3+json', 'user-agent': 'floor' },
})
  .then((response) => response.json())
  .then((issues) => {
    process.stdout.write(`${Array.isArray(issues) ? issues.length : 'error'} open incidents\n`);
  });
