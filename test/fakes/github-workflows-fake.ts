/**
 * A strict fake of the two GitHub REST endpoints the crisis commands need beyond
 * test/fakes/github-fake.ts, placed in front of it: requests for these endpoints are answered here,
 * everything else is forwarded unchanged to the main fake (which stays strict about the rest).
 *
 * - GET /repos/{o}/{r}/actions/workflows/{workflow_id} (id or file name) → the workflow, with
 *   `state` one of active | deleted | disabled_fork | disabled_inactivity | disabled_manually; 404
 *   for an unknown workflow. https://docs.github.com/rest/actions/workflows#get-a-workflow
 * - GET /repos/{o}/{r}/actions/workflows/{workflow_id}/runs?status=&per_page=&exclude_pull_requests=
 *   → `{total_count, workflow_runs}` newest first; `status` filters by status or conclusion
 *   (`success` is a conclusion of a `completed` run). Any other query parameter is a violation.
 *   https://docs.github.com/rest/actions/workflow-runs#list-workflow-runs-for-a-workflow
 * - GET /repos/{o}/{r}/collaborators/{username}/permission → `{permission, role_name, user}`;
 *   404 for an account that is not a collaborator.
 *   https://docs.github.com/rest/collaborators/collaborators#get-repository-permissions-for-a-user
 *
 * Any other method on these paths, or a request without Authorization, is a violation.
 */
import { createServer, request as httpRequest, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

const DOCS = 'https://docs.github.com/rest';
/** Workflow states documented for the `state` field. */
export const WORKFLOW_STATES = ['active', 'deleted', 'disabled_fork', 'disabled_inactivity', 'disabled_manually'] as const;
export type WorkflowStateName = (typeof WORKFLOW_STATES)[number];

/** Legacy `permission` for each role (GitHub maps maintain→write, triage→read). */
const LEGACY: Record<string, string> = { admin: 'admin', maintain: 'write', write: 'write', triage: 'read', read: 'read' };

export interface WorkflowsFakeOptions {
  /** Base URL of the main fake that answers everything else. */
  upstream: string;
  owner: string;
  repo: string;
}

export class GitHubWorkflowsFake {
  baseUrl = '';
  /** Workflow file name → state. */
  readonly workflows = new Map<string, WorkflowStateName>([['publish.yml', 'active']]);
  /** Workflow file name → its runs (any order; answered newest first by `created_at`). */
  readonly runs = new Map<string, FakeRun[]>();
  /** Login → role (admin, maintain, write, triage, read). Anyone else is not a collaborator. */
  readonly roles = new Map<string, string>();
  /** Problems with requests copydesk made (tests assert it stays empty). */
  readonly violations: string[] = [];
  /** Requests answered here (not forwarded). */
  readonly handled: { method: string; path: string }[] = [];
  private server: Server | null = null;
  private readonly opts: WorkflowsFakeOptions;

  constructor(opts: WorkflowsFakeOptions) {
    this.opts = opts;
  }

  async start(): Promise<this> {
    this.server = createServer((req, res) => void this.handle(req, res));
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.baseUrl = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this;
  }

  async close(): Promise<void> {
    if (!this.server) return;
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server!.close(() => resolve()));
    this.server = null;
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://fake');
    const segs = url.pathname.split('/').slice(1).map((s) => decodeURIComponent(s));
    const mine = segs[0] === 'repos' && ((segs[3] === 'actions' && segs[4] === 'workflows') || (segs[3] === 'collaborators' && segs[5] === 'permission'));
    if (!mine) return this.forward(req, res);
    const path = `/${segs.join('/')}`;
    const method = req.method ?? 'GET';
    this.handled.push({ method, path });
    const send = (status: number, body: unknown) => {
      res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'x-github-request-id': 'FAKE:WF' });
      res.end(JSON.stringify(body));
    };
    if (!/^(token|bearer) \S+$/i.test(req.headers.authorization ?? '')) {
      this.violations.push(`${method} ${path}: no Authorization header`);
      return send(401, { message: 'Requires authentication', documentation_url: DOCS });
    }
    if (segs[1] !== this.opts.owner || segs[2] !== this.opts.repo) {
      this.violations.push(`${method} ${path}: unknown repository`);
      return send(404, { message: 'Not Found', documentation_url: DOCS });
    }
    const runsList = segs[3] === 'actions' && segs.length === 7 && segs[6] === 'runs';
    if (method !== 'GET' || (segs[4] === 'workflows' && segs.length !== 6 && !runsList) || (segs[3] === 'collaborators' && segs.length !== 6)) {
      this.violations.push(`${method} ${path}: not a request copydesk should make`);
      return send(500, { message: 'Unexpected request (github-workflows-fake)' });
    }
    if (segs[3] === 'actions') {
      const id = segs[5]!;
      const file = [...this.workflows.keys()].find((f) => f === id || String(workflowId(f)) === id);
      if (!file) return send(404, { message: 'Not Found', documentation_url: DOCS, status: '404' });
      if (runsList) {
        const known = new Set(['status', 'per_page', 'page', 'exclude_pull_requests', 'branch', 'event']);
        for (const k of url.searchParams.keys()) if (!known.has(k)) this.violations.push(`${method} ${path}: unknown query parameter ${k}`);
        const status = url.searchParams.get('status');
        const perPage = Math.min(100, Number(url.searchParams.get('per_page') ?? 30));
        const all = [...(this.runs.get(file) ?? [])]
          .filter((r) => !status || r.status === status || r.conclusion === status)
          .sort((a, b) => b.created_at.localeCompare(a.created_at));
        const base = `https://github.com/${this.opts.owner}/${this.opts.repo}`;
        return send(200, {
          total_count: all.length,
          workflow_runs: all.slice(0, perPage).map((r) => ({
            id: r.id, name: file.replace(/\.ya?ml$/, ''), event: 'schedule', status: r.status, conclusion: r.conclusion, workflow_id: workflowId(file),
            run_attempt: r.run_attempt ?? 1, created_at: r.created_at, run_started_at: r.created_at, updated_at: r.updated_at,
            html_url: `${base}/actions/runs/${r.id}`, head_branch: 'main', path: `.github/workflows/${file}`,
          })),
        });
      }
      const base = `https://github.com/${this.opts.owner}/${this.opts.repo}`;
      return send(200, {
        id: workflowId(file), node_id: `W_${workflowId(file)}`, name: file.replace(/\.ya?ml$/, ''), path: `.github/workflows/${file}`,
        state: this.workflows.get(file), created_at: '2027-01-01T00:00:00.000Z', updated_at: '2027-01-01T00:00:00.000Z',
        url: `${this.baseUrl}/repos/${this.opts.owner}/${this.opts.repo}/actions/workflows/${workflowId(file)}`,
        html_url: `${base}/blob/main/.github/workflows/${file}`, badge_url: `${base}/workflows/${file}/badge.svg`,
      });
    }
    const login = segs[4]!;
    const role = this.roles.get(login.toLowerCase());
    if (!role) return send(404, { message: 'Not Found', documentation_url: DOCS, status: '404' });
    return send(200, { permission: LEGACY[role] ?? 'read', role_name: role, user: { login, id: 1, type: 'User', site_admin: false } });
  }

  private forward(req: IncomingMessage, res: ServerResponse): void {
    const target = new URL(req.url ?? '/', this.opts.upstream);
    const up = httpRequest(target, { method: req.method, headers: { ...req.headers, host: target.host } }, (answer) => {
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(res);
    });
    up.on('error', (e) => {
      this.violations.push(`forwarding ${req.method} ${req.url} failed: ${e.message}`);
      res.writeHead(502).end();
    });
    req.pipe(up);
  }
}

/** One run as the runs list shows it (the fields copydesk reads). */
export interface FakeRun {
  id: number;
  status: 'queued' | 'in_progress' | 'completed';
  conclusion: 'success' | 'failure' | 'cancelled' | null;
  /** ISO times. */
  created_at: string;
  updated_at: string;
  run_attempt?: number;
}

function workflowId(file: string): number {
  let h = 7;
  for (const c of file) h = (h * 31 + c.charCodeAt(0)) % 1_000_000;
  return 100_000 + h;
}

export async function startWorkflowsFake(opts: WorkflowsFakeOptions): Promise<GitHubWorkflowsFake> {
  return new GitHubWorkflowsFake(opts).start();
}
