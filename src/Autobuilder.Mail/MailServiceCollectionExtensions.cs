using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Autobuilder.Mail;

public static class MailServiceCollectionExtensions
{
    /// <summary>
    /// Binds <see cref="MailSettings"/> from the <c>Mail</c> section of <paramref name="configuration"/> and registers
    /// one <see cref="IMailSender"/> chosen by <see cref="MailSenderFactory"/>. A TimeProvider registered before is used.
    /// </summary>
    public static IServiceCollection AddAutobuilderMail(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);

        services.AddOptions<MailSettings>().Bind(configuration.GetSection(MailSettings.SectionName));
        services.TryAddSingleton<IMailSender>(sp => MailSenderFactory.Create(
            sp.GetRequiredService<IOptions<MailSettings>>().Value,
            sp.GetService<TimeProvider>()));
        return services;
    }
}
