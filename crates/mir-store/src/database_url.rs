use std::fmt;
use std::str::FromStr;

/// The database engines mir runs on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Engine {
    Sqlite,
    Postgres,
}

impl Engine {
    pub fn name(self) -> &'static str {
        match self {
            Engine::Sqlite => "SQLite",
            Engine::Postgres => "PostgreSQL",
        }
    }
}

/// A database URL whose scheme names an engine mir supports.
///
/// `Debug` and `Display` hide any password, so the URL can be logged at start.
#[derive(Clone, PartialEq, Eq)]
pub struct DatabaseUrl {
    engine: Engine,
    url: String,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "unsupported database URL scheme {scheme:?}: use sqlite:// (for example sqlite://mir.db?mode=rwc) or postgres:// (for example postgres://user@localhost/mir)"
)]
pub struct UnsupportedDatabase {
    pub scheme: String,
}

impl FromStr for DatabaseUrl {
    type Err = UnsupportedDatabase;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let scheme = s.split_once(':').map(|(scheme, _)| scheme).unwrap_or("");
        let engine = match scheme.to_ascii_lowercase().as_str() {
            "sqlite" => Engine::Sqlite,
            "postgres" | "postgresql" => Engine::Postgres,
            _ => {
                return Err(UnsupportedDatabase {
                    scheme: scheme.to_owned(),
                });
            }
        };
        Ok(DatabaseUrl {
            engine,
            url: s.to_owned(),
        })
    }
}

impl DatabaseUrl {
    pub fn engine(&self) -> Engine {
        self.engine
    }

    /// The full URL, secrets included: only for connecting.
    pub fn expose(&self) -> &str {
        &self.url
    }

    /// For SQLite, the database file's path (`sqlite://data/mir.db?mode=rwc` → `data/mir.db`).
    pub fn sqlite_file(&self) -> Option<std::path::PathBuf> {
        if self.engine != Engine::Sqlite {
            return None;
        }
        let rest = self
            .url
            .strip_prefix("sqlite://")
            .or_else(|| self.url.strip_prefix("sqlite:"))?;
        let path = rest.split('?').next().unwrap_or_default();
        (!path.is_empty() && path != ":memory:").then(|| path.into())
    }

    /// Whether the URL's settings are ones the engine accepts (`?mode=rwc`, `sslmode=…`), read
    /// as the engine's driver reads them; the problem in words if not (for `mir check`).
    pub fn check_options(&self) -> Result<(), String> {
        let parsed = match self.engine {
            Engine::Sqlite => self
                .url
                .parse::<sqlx::sqlite::SqliteConnectOptions>()
                .map(|_| ()),
            Engine::Postgres => self
                .url
                .parse::<sqlx::postgres::PgConnectOptions>()
                .map(|_| ()),
        };
        parsed.map_err(|error| {
            // The driver's message may quote the URL: hide what it holds.
            let words = error.to_string().replace(&self.url, &self.redacted());
            format!("the database URL {} is not valid: {words}", self.redacted())
        })
    }

    /// The URL with any password replaced by `***`: in the user part (everything before the
    /// last `@` of the address, since a password may hold an `@`), and in any query parameter
    /// whose name mentions a password (`?password=…`, `sslpassword=…`).
    pub fn redacted(&self) -> String {
        let Some((scheme, rest)) = self.url.split_once("://") else {
            return self.url.clone();
        };
        let (address, query) = match rest.split_once('?') {
            Some((address, query)) => (address, Some(query)),
            None => (rest, None),
        };
        let authority_end = address.find('/').unwrap_or(address.len());
        let (authority, path) = address.split_at(authority_end);
        let authority = match authority.rsplit_once('@') {
            Some((userinfo, host)) => match userinfo.split_once(':') {
                Some((user, _password)) => format!("{user}:***@{host}"),
                None => format!("{userinfo}@{host}"),
            },
            None => authority.to_owned(),
        };
        let query = query.map(|query| {
            query
                .split('&')
                .map(|pair| match pair.split_once('=') {
                    Some((name, _)) if name.to_ascii_lowercase().contains("password") => {
                        format!("{name}=***")
                    }
                    _ => pair.to_owned(),
                })
                .collect::<Vec<_>>()
                .join("&")
        });
        match query {
            Some(query) => format!("{scheme}://{authority}{path}?{query}"),
            None => format!("{scheme}://{authority}{path}"),
        }
    }
}

impl fmt::Debug for DatabaseUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("DatabaseUrl")
            .field("engine", &self.engine)
            .field("url", &self.redacted())
            .finish()
    }
}

impl fmt::Display for DatabaseUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.redacted())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn picks_the_engine_from_the_scheme() {
        let url: DatabaseUrl = "sqlite://mir.db?mode=rwc".parse().expect("sqlite");
        assert_eq!(url.engine(), Engine::Sqlite);
        for pg in ["postgres://root@127.0.0.1/test", "postgresql://x@y/z"] {
            assert_eq!(
                pg.parse::<DatabaseUrl>().expect("pg").engine(),
                Engine::Postgres
            );
        }
    }

    #[test]
    fn refuses_other_schemes_and_names_the_accepted_ones() {
        let err = "mysql://x".parse::<DatabaseUrl>().expect_err("mysql");
        assert_eq!(err.scheme, "mysql");
        let message = err.to_string();
        assert!(message.contains("sqlite://") && message.contains("postgres://"));
        assert!(!message.contains('\n'));
        assert!("mir.db".parse::<DatabaseUrl>().is_err());
    }

    #[test]
    fn finds_the_sqlite_file() {
        let file = |u: &str| u.parse::<DatabaseUrl>().expect("url").sqlite_file();
        assert_eq!(
            file("sqlite://data/mir.db?mode=rwc"),
            Some("data/mir.db".into())
        );
        assert_eq!(file("sqlite:///tmp/m.db"), Some("/tmp/m.db".into()));
        assert_eq!(file("sqlite::memory:"), None);
        assert_eq!(file("postgres://root@localhost/test"), None);
    }

    #[test]
    fn hides_passwords_when_shown() {
        let url: DatabaseUrl = "postgres://mir:s3cret@db.example/mir".parse().expect("pg");
        assert_eq!(url.to_string(), "postgres://mir:***@db.example/mir");
        assert!(!format!("{url:?}").contains("s3cret"));
        assert_eq!(url.expose(), "postgres://mir:s3cret@db.example/mir");
        // Found by the issue 16 review: a password holding "@", and one in the query.
        for (given, shown) in [
            (
                "postgres://root:Sec@ret2@127.0.0.1:5432/test",
                "postgres://root:***@127.0.0.1:5432/test",
            ),
            (
                "postgres://root@127.0.0.1/test?password=QueryPW999&sslmode=disable",
                "postgres://root@127.0.0.1/test?password=***&sslmode=disable",
            ),
            (
                "postgres://root@h/test?sslpassword=x&options[search_path]=s",
                "postgres://root@h/test?sslpassword=***&options[search_path]=s",
            ),
            (
                "sqlite://data/mir.db?mode=rwc",
                "sqlite://data/mir.db?mode=rwc",
            ),
        ] {
            let url: DatabaseUrl = given.parse().expect("url");
            assert_eq!(url.to_string(), shown);
        }
    }
}
