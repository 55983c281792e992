import type Database from 'better-sqlite3';

/**
 * A `prepare` that keeps each statement: preparing costs more than running
 * the small statements a chain call makes, and the SQL texts are a fixed set.
 */
export function preparedStatements(db: Database.Database): (sql: string) => Database.Statement {
  const statements = new Map<string, Database.Statement>();
  return (sql) => {
    let statement = statements.get(sql);
    if (!statement) {
      statement = db.prepare(sql);
      statements.set(sql, statement);
    }
    return statement;
  };
}
