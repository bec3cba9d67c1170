import type { BecomeMethod, BecomeOptions, Command, Connection, ExecOptions, WriteOptions } from '../connect/connection.ts';

/**
 * What a task's keywords add to every command and file operation its module makes: the
 * `environment:` variables and whom `become` becomes (become_user, become_method).
 */
export interface ExecScope {
  environment: Record<string, string>;
  becomeUser?: string;
  becomeMethod?: BecomeMethod;
}

/**
 * The host's shared connection as one task's module sees it: each call gets the task's
 * environment (under the module's own variables, which win) and become user and method, so
 * modules keep passing only `become` and the run's one connection per host serves every task.
 */
export function scopedConnection(conn: Connection, scope: ExecScope): Connection {
  const hasEnvironment = Object.keys(scope.environment).length > 0;
  if (!hasEnvironment && scope.becomeUser === undefined && scope.becomeMethod === undefined) return conn;
  const as = <T extends BecomeOptions>(options: T | undefined): T => ({
    ...options,
    becomeUser: options?.becomeUser ?? scope.becomeUser,
    becomeMethod: options?.becomeMethod ?? scope.becomeMethod,
  }) as T;
  return {
    hostName: conn.hostName,
    connect: () => conn.connect(),
    exec: (command: Command, options?: ExecOptions) => {
      const scoped = as(options);
      return conn.exec(command, hasEnvironment ? { ...scoped, env: { ...scope.environment, ...options?.env } } : scoped);
    },
    readFile: (path: string, options?: BecomeOptions) => conn.readFile(path, as(options)),
    writeFile: (path: string, data: string | Buffer, options?: WriteOptions) => conn.writeFile(path, data, as(options)),
    putFile: (localPath: string, remotePath: string, options?: WriteOptions) => conn.putFile(localPath, remotePath, as(options)),
    stat: (path: string, options?: BecomeOptions) => conn.stat(path, as(options)),
    forwardOut: (host: string, port: number) => conn.forwardOut(host, port),
    close: () => conn.close(),
  };
}
