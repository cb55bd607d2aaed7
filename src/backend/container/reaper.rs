//! The reaper: at start-up of the container backend, removes zonebox's containers whose
//! process is gone (label `org.zonebox.pid`, checked in /proc when the engine is local) or
//! whose expiry label has passed — those a killed zonebox (even `kill -9`) could not remove.
//! A container's expiry is its creation plus the policy's wall clock plus ten seconds.

use super::spec::{LABEL_EXPIRES, LABEL_OWNER, LABEL_PID};
use bollard::Docker;
use bollard::query_parameters::{ListContainersOptionsBuilder, RemoveContainerOptionsBuilder};
use std::collections::HashMap;

/// Removes expired zonebox containers; returns how many were removed.
/// `local`: the engine runs on this host, so a container's process id can be checked.
pub(crate) async fn reap(docker: &Docker, now_secs: u64, local: bool) -> usize {
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
        let label = |key: &str| {
            container
                .labels
                .as_ref()
                .and_then(|labels| labels.get(key))
                .and_then(|text| text.parse::<u64>().ok())
        };
        let orphaned = local
            && label(LABEL_PID).is_some_and(|pid| {
                pid != u64::from(std::process::id())
                    && !std::path::Path::new(&format!("/proc/{pid}")).exists()
            });
        let expired = label(LABEL_EXPIRES).is_some_and(|expires| expires <= now_secs)
            || (label(LABEL_EXPIRES).is_none() && label(LABEL_PID).is_none());
        let Some(id) = container.id else { continue };
        if expired || orphaned {
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
