/** A small JSON client for the local HTTP server: Node's fetch, whose agent keeps connections alive. */

export interface ApiResponse<T = unknown> {
  status: number;
  body: T;
}

export class ApiClient {
  constructor(readonly baseUrl: string) {}

  async call<T = unknown>(method: 'GET' | 'POST', path: string, options: { token?: string; body?: unknown } = {}): Promise<ApiResponse<T>> {
    const headers: Record<string, string> = {};
    if (options.token) headers.Authorization = `Bearer ${options.token}`;
    if (options.body !== undefined) headers['Content-Type'] = 'application/json';
    const response = await fetch(`${this.baseUrl}${path}`, {
      method,
      headers,
      body: options.body === undefined ? undefined : JSON.stringify(options.body),
    });
    // Always read the body: an unread body keeps the connection from going back to the pool.
    const text = await response.text();
    return { status: response.status, body: (text ? JSON.parse(text) : undefined) as T };
  }

  /** Like call(), but anything other than 200 is an error (so a benchmark never times failures). */
  async ok<T = unknown>(method: 'GET' | 'POST', path: string, options: { token?: string; body?: unknown } = {}): Promise<T> {
    const { status, body } = await this.call<T>(method, path, options);
    if (status !== 200) throw new Error(`${method} ${path} answered ${status}: ${JSON.stringify(body)}`);
    return body;
  }

  login(username: string, password: string): Promise<{ Token: string }> {
    return this.ok('POST', '/user/login', { body: { username, password } });
  }
}
