namespace Autobuilder.Acceptance.Checks;

/// <summary>The upload is for a product (a distribution release, such as bookworm) this autobuilder builds.</summary>
public sealed class ProductKnownCheck : AcceptanceCheck<SourceUploadContext>
{
    public override string Name => "product-known";

    public override string Question => "Is the upload for a product this autobuilder builds?";

    public override Task<CheckOutcome> CheckAsync(SourceUploadContext c)
    {
        if (c.Products is not { } products || c.Product is not { } product)
            return Skip("needs the autobuilder's configuration (Autobuilder:Products)");
        return products.Contains(product, StringComparer.Ordinal) ? Pass()
            : Reject(c.DscFileName, "product", string.Join(", ", products), product,
                $"unknown product '{product}' (this autobuilder builds for: {string.Join(", ", products)})");
    }
}
