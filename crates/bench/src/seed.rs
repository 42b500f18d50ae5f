//! Seeding at scale: multi-row inserts bound for either backend.

use koine_store::Conn;
use uuid::Uuid;

/// A value to bind.
#[derive(Clone)]
pub enum V {
    U(Uuid),
    I(i64),
    T(String),
    B(Vec<u8>),
    Bool(bool),
}

pub fn t(s: impl Into<String>) -> V {
    V::T(s.into())
}

macro_rules! bind_all {
    ($q:expr, $vals:expr) => {{
        let mut q = $q;
        for v in $vals {
            q = match v {
                V::U(u) => q.bind(*u),
                V::I(i) => q.bind(*i),
                V::T(s) => q.bind(s.clone()),
                V::B(b) => q.bind(b.clone()),
                V::Bool(b) => q.bind(*b),
            };
        }
        q
    }};
}

pub async fn exec(conn: Conn<'_>, sql: &str, vals: &[V]) -> u64 {
    let sql = sqlx::AssertSqlSafe(sql.to_owned());
    match conn {
        Conn::Sqlite(c) => bind_all!(sqlx::query(sql), vals)
            .execute(&mut *c)
            .await
            .map(|r| r.rows_affected()),
        Conn::Postgres(c) => bind_all!(sqlx::query(sql), vals)
            .execute(&mut *c)
            .await
            .map(|r| r.rows_affected()),
    }
    .expect("seed statement")
}

/// One multi-row INSERT (in chunks that stay under both backends' limits
/// on bound parameters).
pub async fn insert(mut conn: Conn<'_>, table: &str, columns: &[&str], rows: Vec<Vec<V>>) {
    for chunk in rows.chunks(400) {
        let mut sql = format!("INSERT INTO {table} ({}) VALUES ", columns.join(", "));
        let mut n = 0;
        for (r, row) in chunk.iter().enumerate() {
            assert_eq!(row.len(), columns.len(), "{table}");
            if r > 0 {
                sql.push_str(", ");
            }
            let marks: Vec<String> = row
                .iter()
                .map(|_| {
                    n += 1;
                    format!("${n}")
                })
                .collect();
            sql.push_str(&format!("({})", marks.join(", ")));
        }
        let vals: Vec<V> = chunk.iter().flatten().cloned().collect();
        exec(conn.reborrow(), &sql, &vals).await;
    }
}

/// Confirmed members with a private profile, gathered and then written in
/// multi-row inserts.
#[derive(Default)]
pub struct Members {
    accounts: Vec<Vec<V>>,
    profiles: Vec<Vec<V>>,
}

impl Members {
    pub fn push(&mut self, id: Uuid, email: String, name: String, zone: &str, now: i64) {
        self.accounts.push(vec![
            V::U(id),
            t(email),
            V::I(now),
            t("$argon2id$v=19$m=19456,t=2,p=1$YmVuY2g$YmVuY2g"),
            V::I(now),
            V::I(now),
        ]);
        self.profiles.push(vec![
            V::U(id),
            t(name),
            t(zone),
            t("private"),
            t("private"),
            t("private"),
            V::I(now),
        ]);
    }

    pub async fn insert(self, mut conn: Conn<'_>) {
        insert(
            conn.reborrow(),
            "accounts",
            &[
                "id",
                "email",
                "email_verified_at",
                "password_hash",
                "password_changed_at",
                "created_at",
            ],
            self.accounts,
        )
        .await;
        insert(
            conn,
            "profiles",
            &[
                "account_id",
                "display_name",
                "time_zone",
                "birth_date_visibility",
                "gender_visibility",
                "location_visibility",
                "updated_at",
            ],
            self.profiles,
        )
        .await;
    }
}

/// Signed-in sessions, a week long, one per member (each token is returned
/// to whoever seeds it, to act as that member).
#[derive(Default)]
pub struct Sessions(Vec<Vec<V>>);

impl Sessions {
    /// A session for `account`, last used at some moment of the minute
    /// before `now` (members' sessions are not all used in the same second,
    /// so their uses, written once a minute each, do not all fall due
    /// together); returns its bearer token.
    pub fn push(&mut self, account: Uuid, now: i64) -> String {
        let token = koine_services::crypto::new_token();
        // Multiplicative hashing spreads the sessions evenly over the minute.
        let ago = ((self.0.len() as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15) % 60_000_000) as i64;
        let used = now - ago;
        self.0.push(vec![
            V::U(Uuid::now_v7()),
            V::U(account),
            V::B(koine_services::crypto::token_hash(&token)),
            V::I(used),
            V::I(used),
            V::I(used),
            V::I(used + 7 * 86_400_000_000),
        ]);
        token
    }

    pub async fn insert(self, conn: Conn<'_>) {
        insert(
            conn,
            "sessions",
            &[
                "id",
                "account_id",
                "token_hash",
                "created_at",
                "last_seen_at",
                "authenticated_at",
                "expires_at",
            ],
            self.0,
        )
        .await;
    }
}
