// Attribute and instrument names: OpenTelemetry's database client semantic conventions
// where one applies, `zookit.*` for the rest.

export const DB_SYSTEM_NAME = 'db.system.name';
export const DB_OPERATION_NAME = 'db.operation.name';
export const DB_OPERATION_BATCH_SIZE = 'db.operation.batch.size';
export const DB_RESPONSE_STATUS_CODE = 'db.response.status_code';
export const ERROR_TYPE = 'error.type';
export const SERVER_ADDRESS = 'server.address';
export const SERVER_PORT = 'server.port';

export const ZK_PATH = 'zookit.path';
export const ZK_XID = 'zookit.xid';
export const ZK_SESSION_ID = 'zookit.session_id';
export const ZK_CONNECTION_STATE = 'zookit.connection.state';
export const ZK_CONNECT_OUTCOME = 'zookit.connect.outcome';
export const ZK_SESSION_EVENT = 'zookit.session.event';
export const ZK_RECIPE = 'zookit.recipe';
export const ZK_RECIPE_OUTCOME = 'zookit.recipe.outcome';

/** `db.system.name` for every span and metric. */
export const SYSTEM = 'zookeeper';
