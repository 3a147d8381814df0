//! BatchGetImage and BatchDeleteImage for any number of image ids: ECR
//! takes at most 100 per call, so the ids go in chunks, one call after the
//! other, and the answers are merged.

use crate::errors::{BatchDeleteImageError, BatchGetImageError};
use crate::types::{BatchDeleteImageRequest, BatchDeleteImageResponse, BatchGetImageRequest, BatchGetImageResponse};
use crate::{Client, SdkError};

/// Image ids ECR accepts in one batch call.
pub const MAX_IMAGE_IDS_PER_CALL: usize = 100;

impl Client {
    /// [`BatchGetImage`](Client::batch_get_image) for any number of image
    /// ids, 100 per call; images and failures of every call, in order.
    /// An error ends it: calls before it were made.
    pub async fn batch_get_image_chunked(
        &self,
        input: BatchGetImageRequest,
    ) -> Result<BatchGetImageResponse, SdkError<BatchGetImageError>> {
        let mut merged = BatchGetImageResponse { images: Some(Vec::new()), failures: Some(Vec::new()) };
        for ids in input.image_ids.chunks(MAX_IMAGE_IDS_PER_CALL) {
            let answer = self.send(BatchGetImageRequest { image_ids: ids.to_vec(), ..input.clone() }).await?;
            merged.images.get_or_insert_with(Vec::new).extend(answer.images.unwrap_or_default());
            merged.failures.get_or_insert_with(Vec::new).extend(answer.failures.unwrap_or_default());
        }
        Ok(merged)
    }

    /// [`BatchDeleteImage`](Client::batch_delete_image) for any number of
    /// image ids, 100 per call; deleted ids and failures of every call, in
    /// order. An error ends it: deletions before it happened.
    pub async fn batch_delete_image_chunked(
        &self,
        input: BatchDeleteImageRequest,
    ) -> Result<BatchDeleteImageResponse, SdkError<BatchDeleteImageError>> {
        let mut merged = BatchDeleteImageResponse { image_ids: Some(Vec::new()), failures: Some(Vec::new()) };
        for ids in input.image_ids.chunks(MAX_IMAGE_IDS_PER_CALL) {
            let answer = self.send(BatchDeleteImageRequest { image_ids: ids.to_vec(), ..input.clone() }).await?;
            merged.image_ids.get_or_insert_with(Vec::new).extend(answer.image_ids.unwrap_or_default());
            merged.failures.get_or_insert_with(Vec::new).extend(answer.failures.unwrap_or_default());
        }
        Ok(merged)
    }
}
