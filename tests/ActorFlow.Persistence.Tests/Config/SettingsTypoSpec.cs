using ActorFlow.Persistence.Config;
using Akka.Actor;
using Akka.Configuration;

namespace ActorFlow.Persistence.Tests.Config;

/// <summary>
/// A setting ActorFlow does not know under <c>actorflow.persistence</c> (a typo, or a missing brace that makes
/// <c>state-store provider</c> one key) fails with its name, and a value HOCON cannot read names its setting. Before,
/// the typo was ignored and the real setting kept its default: a node meant for PostgreSQL kept its state in a local
/// SQLite file without a word (found by an SRE's review).
/// </summary>
public sealed class SettingsTypoSpec
{
    /// <summary>Verify that each typo is refused naming the unknown setting, from the settings class and at a node's start.</summary>
    [Theory]
    [InlineData("actorflow.persistence.state-store { provder = postgresql }", "actorflow.persistence.state-store.provder")]
    [InlineData("actorflow.persistence { state-store\n provider = postgresql\n }", "actorflow.persistence.state-store\\n provider")]
    [InlineData("actorflow.persistence.checkpoints.retaned = 5", "actorflow.persistence.checkpoints.retaned")]
    public void A_setting_nobody_reads_must_be_refused_naming_it(string hocon, string named)
    {
        var config = ConfigurationFactory.ParseString(hocon);

        var e = Assert.Throws<ConfigurationException>(() =>
        {
            using var system = ActorSystem.Create("typo-spec", config.WithFallback(ConfigurationFactory.ParseString("akka.loglevel = WARNING")));
            _ = ActorFlowPersistence.Get(system);
        });

        Assert.StartsWith($"Unknown setting '{named}' (a typo", e.Message, StringComparison.Ordinal);
    }

    /// <summary>Verify that the settings class refuses an unknown key of its own section.</summary>
    [Fact]
    public void The_state_store_settings_must_refuse_an_unknown_key()
    {
        var e = Assert.Throws<ConfigurationException>(() => StateStoreSettings.Create(ConfigurationFactory.ParseString("actorflow.persistence.state-store.connection-strng = \"Host=db\"")));

        Assert.Contains("'actorflow.persistence.state-store.connection-strng'", e.Message, StringComparison.Ordinal);
    }

    /// <summary>Verify that values HOCON cannot read as numbers name their setting and value.</summary>
    [Fact]
    public void A_value_that_is_no_number_must_name_its_setting()
    {
        var retained = Assert.Throws<ConfigurationException>(() => CheckpointSettings.Create(ConfigurationFactory.ParseString("actorflow.persistence.checkpoints.retained = three")));
        Assert.Contains("actorflow.persistence.checkpoints.retained must be a whole number, got 'three'", retained.Message, StringComparison.Ordinal);
    }
}
