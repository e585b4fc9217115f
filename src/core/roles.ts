/**
 * Roles: who may run which command.
 *
 * A request's role is where it came from, never what it says. On the local broker that is the topic
 * namespace it was published on — `{base}/device/...` and `{base}/bridge/...` are the UI's,
 * `{base}/technician/device/...` and `{base}/technician/bridge/...` the technician's — and the broker's
 * ACL lets each broker user publish only in its own namespace (config/mosquitto/acl). Requests from the
 * fleet link are `fleet` (the link itself only forwards its allow-list, `fleet.remoteOps`).
 *
 * A command declares the role it needs in its {@link CommandSpec} (`role: 'technician'`, one line);
 * a command that declares nothing is a `ui` command, which every role may run. The daemon's config may
 * override a command's role (`policy.roles`), and checks it before the command's schema.
 */
export const ROLES = ['ui', 'technician', 'fleet'] as const;
export type Role = (typeof ROLES)[number];

/** The role a command needs: one, or a list of which any will do. */
export type RoleRequirement = Role | readonly Role[];

/** Whether a request holding `held` may run a command that needs `required` (undefined: `ui`). */
export function mayRun(required: RoleRequirement | undefined, held: Role): boolean {
  if (required === undefined) return true;
  const need: readonly Role[] = typeof required === 'string' ? [required] : required;
  return need.includes('ui') || need.includes(held);
}

/** `technician` or `technician, fleet`, for messages. */
export function describeRequirement(required: RoleRequirement | undefined): string {
  if (required === undefined) return 'ui';
  return typeof required === 'string' ? required : required.join(' or ');
}
