using Xunit;

namespace RingIpc.Tests;

/// <summary>Tests that start processes or keep threads spinning: on a 2-core machine two spinning processes own
/// it, so these run one at a time, never beside each other (other test classes still run in parallel with them).</summary>
[CollectionDefinition(nameof(ProcessHeavy), DisableParallelization = true)]
public sealed class ProcessHeavy
{
}
