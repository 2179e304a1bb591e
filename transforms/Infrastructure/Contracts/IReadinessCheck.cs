namespace Gateway.Transforms.Infrastructure.Contracts;

/// <summary>A component that reports its state on <c>/readyz</c>.</summary>
public interface IReadinessCheck
{
    /// <summary>Reports the component's state now; must be cheap and must not block.</summary>
    ReadinessReport Check();
}
