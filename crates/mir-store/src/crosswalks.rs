//! A framework version's crosswalks (other frameworks' items its statements map to) and its mapping
//! from the version before, stored with the version (written and read by `frameworks.rs`).

use mir_domain::framework::{Crosswalk, CrosswalkItem};

use crate::StoreError;

pub(crate) async fn insert(
    tx: &mut sqlx::Transaction<'static, sqlx::Any>,
    version_id: i64,
    crosswalks: &[Crosswalk],
) -> Result<(), StoreError> {
    for (position, c) in (0_i64..).zip(crosswalks) {
        sqlx::query(
            "INSERT INTO framework_crosswalks (version_id, framework, position, title, publisher) \
             VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(version_id)
        .bind(&c.framework)
        .bind(position)
        .bind(&c.title)
        .bind(&c.publisher)
        .execute(&mut **tx)
        .await?;
        for (item_position, i) in (0_i64..).zip(&c.items) {
            sqlx::query(
                "INSERT INTO framework_crosswalk_items (version_id, framework, item_id, position, title, text) \
                 VALUES ($1, $2, $3, $4, $5, $6)",
            )
            .bind(version_id)
            .bind(&c.framework)
            .bind(&i.id)
            .bind(item_position)
            .bind(&i.title)
            .bind(&i.text)
            .execute(&mut **tx)
            .await?;
        }
    }
    Ok(())
}

pub(crate) async fn load(
    pool: &sqlx::AnyPool,
    version_id: i64,
) -> Result<Vec<Crosswalk>, StoreError> {
    let walks: Vec<(String, String, String)> = sqlx::query_as(
        "SELECT framework, title, publisher FROM framework_crosswalks WHERE version_id = $1 ORDER BY position",
    )
    .bind(version_id)
    .fetch_all(pool)
    .await?;
    let items: Vec<(String, String, String, String)> = sqlx::query_as(
        "SELECT framework, item_id, title, text FROM framework_crosswalk_items \
         WHERE version_id = $1 ORDER BY framework, position",
    )
    .bind(version_id)
    .fetch_all(pool)
    .await?;
    Ok(walks
        .into_iter()
        .map(|(framework, title, publisher)| Crosswalk {
            items: items
                .iter()
                .filter(|(f, _, _, _)| *f == framework)
                .map(|(_, id, title, text)| CrosswalkItem {
                    id: id.clone(),
                    title: title.clone(),
                    text: text.clone(),
                })
                .collect(),
            framework,
            title,
            publisher,
        })
        .collect())
}

/// A version's mapping from the earlier one: one row per earlier statement and what it
/// became (retired: an empty code), in order.
pub(crate) async fn insert_mapping(
    tx: &mut sqlx::Transaction<'static, sqlx::Any>,
    version_id: i64,
    mapping: Option<&mir_domain::framework::VersionMapping>,
) -> Result<(), StoreError> {
    let Some(mapping) = mapping else {
        return Ok(());
    };
    let mut position = 0_i64;
    for m in &mapping.moves {
        let targets: Vec<&str> = if m.to.is_empty() {
            vec![""]
        } else {
            m.to.iter().map(String::as_str).collect()
        };
        for new_code in targets {
            sqlx::query(
                "INSERT INTO framework_mappings (version_id, from_version, old_code, position, new_code) \
                 VALUES ($1, $2, $3, $4, $5)",
            )
            .bind(version_id)
            .bind(&mapping.from_version)
            .bind(&m.from)
            .bind(position)
            .bind(new_code)
            .execute(&mut **tx)
            .await?;
            position += 1;
        }
    }
    Ok(())
}

pub(crate) async fn load_mapping(
    pool: &sqlx::AnyPool,
    version_id: i64,
) -> Result<Option<mir_domain::framework::VersionMapping>, StoreError> {
    let rows: Vec<(String, String, String)> = sqlx::query_as(
        "SELECT from_version, old_code, new_code FROM framework_mappings WHERE version_id = $1 ORDER BY position",
    )
    .bind(version_id)
    .fetch_all(pool)
    .await?;
    let Some(from_version) = rows.first().map(|r| r.0.clone()) else {
        return Ok(None);
    };
    let mut moves: Vec<mir_domain::framework::StatementMove> = Vec::new();
    for (_, old, new) in rows {
        let index = match moves.iter().position(|m| m.from == old) {
            Some(i) => i,
            None => {
                moves.push(mir_domain::framework::StatementMove {
                    from: old,
                    to: Vec::new(),
                });
                moves.len() - 1
            }
        };
        if !new.is_empty() {
            moves[index].to.push(new);
        }
    }
    Ok(Some(mir_domain::framework::VersionMapping {
        from_version,
        moves,
    }))
}
