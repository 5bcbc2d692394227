use async_trait::async_trait;
use domain::catalogue::{Article, ArticleDetails, ArticleReference};
use domain::ids::ArticleId;
use domain::vat::VatCode;

use crate::{Page, Paging, StoreError};

/// Articles and VAT codes.
#[async_trait]
pub trait CatalogueStore: Send {
    /// Stores a new article, with no stock: stock only changes through movements
    /// ([`crate::StockStore::apply_movements`]).
    ///
    /// # Errors
    /// [`StoreError::Duplicate`] (entity `"article"`, key: the reference) when the
    /// reference is already an article's.
    async fn insert_article(
        &mut self,
        id: ArticleId,
        details: &ArticleDetails,
    ) -> Result<(), StoreError>;

    /// Replaces an article's description (never its stock).
    ///
    /// # Errors
    /// [`StoreError::NotFound`] when it is not stored; [`StoreError::Duplicate`] when the
    /// new reference is another article's.
    async fn update_article(
        &mut self,
        id: ArticleId,
        details: &ArticleDetails,
    ) -> Result<(), StoreError>;

    /// The article with this id.
    async fn get_article(&mut self, id: ArticleId) -> Result<Option<Article>, StoreError>;

    /// The article with this reference.
    async fn find_article(
        &mut self,
        reference: &ArticleReference,
    ) -> Result<Option<Article>, StoreError>;

    /// The articles with these ids that are stored, in any order, each once.
    async fn get_articles(&mut self, ids: &[ArticleId]) -> Result<Vec<Article>, StoreError>;

    /// A page of the catalogue, by reference.
    async fn list_articles(&mut self, paging: Paging) -> Result<Page<Article>, StoreError>;

    /// Stores a VAT code, or replaces the one with the same code. When it is the default,
    /// every other code stops being the default, in the same write.
    ///
    /// # Errors
    /// [`StoreError`] when the database fails.
    async fn save_vat_code(&mut self, code: &VatCode) -> Result<(), StoreError>;

    /// Every VAT code, by code.
    async fn list_vat_codes(&mut self) -> Result<Vec<VatCode>, StoreError>;
}
