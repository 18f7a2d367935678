/**
 * The default path template: keeps span names low in cardinality by replacing the parts
 * ZooKeeper and the recipes make unique per node: a sequence suffix (`-0000000042`,
 * `lock-0000000042`) becomes `{seq}`, a Curator protected prefix (`_c_<uuid>-`) becomes
 * `_c_{uuid}-`, a kazoo 32-hex prefix (`<hex>__lock__`) becomes `{id}__lock__`.
 *
 * ```ts
 * templatePath('/locks/jobs/_c_0f5e…-lock-0000000007'); // '/locks/jobs/_c_{uuid}-lock-{seq}'
 * ```
 */
export function templatePath(path: string): string {
  return path
    .replace(/_c_[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}-/g, '_c_{uuid}-')
    .replace(/(^|\/)[0-9a-f]{32}__/g, '$1{id}__')
    .replace(/(?<=-)-\d{10}(?=\/|$)/g, '{seq}')
    .replace(/\d{10}(?=\/|$)/g, '{seq}');
}
