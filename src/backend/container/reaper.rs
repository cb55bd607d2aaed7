//! The reaper: at start-up of the container backend, removes zonebox's containers whose
//! expiry label has passed — those a killed zonebox (even `kill -9`) could not remove itself.
//! A container's expiry is its creation plus the policy's wall clock plus ten seconds.

use super::spec::{LABEL_EXPIRES, LABEL_OWNER};
use bollard::Docker;
use bollard::query_parameters::{ListContainersOptionsBuilder, RemoveContainerOptionsBuilder};
use std::collections::HashMap;

/// Removes expired zonebox containers; returns how many were removed.
pub(crate) async fn reap(docker: &Docker, now_secs: u64) -> usize {
    let filters = HashMap::from([("label".to_string(), vec![format!("{LABEL_OWNER}=zonebox")])]);
    let options = ListContainersOptionsBuilder::new()
        .all(true)
        .filters(&filters)
        .build();
    let Ok(containers) = docker.list_containers(Some(options)).await else {
        return 0;
    };
    let mut removed = 0;
    for container in containers {
        let expired = container
            .labels
            .as_ref()
            .and_then(|labels| labels.get(LABEL_EXPIRES))
            .and_then(|text| text.parse::<u64>().ok())
            .is_none_or(|expires| expires <= now_secs);
        let Some(id) = container.id else { continue };
        if expired {
            let options = RemoveContainerOptionsBuilder::new()
                .force(true)
                .v(true)
                .build();
            if docker.remove_container(&id, Some(options)).await.is_ok() {
                removed += 1;
            }
        }
    }
    removed
}
