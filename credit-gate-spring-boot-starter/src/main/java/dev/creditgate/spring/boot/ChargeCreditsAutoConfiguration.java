package dev.creditgate.spring.boot;

import dev.creditgate.CreditGate;
import org.springframework.aop.Advisor;
import org.springframework.aop.config.AopConfigUtils;
import org.springframework.aop.support.DefaultPointcutAdvisor;
import org.springframework.aop.support.annotation.AnnotationMatchingPointcut;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.config.BeanDefinition;
import org.springframework.beans.factory.support.BeanDefinitionRegistry;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.context.annotation.ImportBeanDefinitionRegistrar;
import org.springframework.context.annotation.Role;
import org.springframework.core.type.AnnotationMetadata;

/**
 * Makes {@link ChargeCredits} work in servlet web applications, the way {@code @EnableTransactionManagement} makes
 * {@code @Transactional} work: an infrastructure advisor matched by the annotation, and an auto-proxy creator if the
 * context has none. The account comes from the {@link CreditAccountResolver} bean, by default the authenticated
 * principal's name; define one to replace it.
 */
@AutoConfiguration(after = CreditGateAutoConfiguration.class)
@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
@ConditionalOnClass({CreditGate.class, Advisor.class})
@Import(ChargeCreditsAutoConfiguration.AutoProxyRegistrar.class)
@Role(BeanDefinition.ROLE_INFRASTRUCTURE)
public class ChargeCreditsAutoConfiguration {

    /** Creates the auto-configuration; Spring calls it. */
    public ChargeCreditsAutoConfiguration() {
    }

    /**
     * The default account resolver: the authenticated principal's name.
     *
     * @return the resolver
     */
    @Bean
    @ConditionalOnMissingBean
    public CreditAccountResolver creditAccountResolver() {
        return new PrincipalAccountResolver();
    }

    /**
     * The advisor that runs {@link ChargeCredits} methods inside {@code CreditGate.chargeFor}.
     *
     * @param gate the gate, looked up when an annotated method is first called
     * @param accounts the account resolver, looked up likewise
     * @param properties the {@code creditgate.*} properties
     * @return the advisor
     */
    @Bean
    @Role(BeanDefinition.ROLE_INFRASTRUCTURE)
    @ConditionalOnMissingBean(name = "chargeCreditsAdvisor")
    public static Advisor chargeCreditsAdvisor(ObjectProvider<CreditGate> gate,
            ObjectProvider<CreditAccountResolver> accounts, ObjectProvider<CreditGateProperties> properties) {
        return new DefaultPointcutAdvisor(AnnotationMatchingPointcut.forMethodAnnotation(ChargeCredits.class),
                new ChargeCreditsInterceptor(gate, accounts, properties));
    }

    /** Registers an auto-proxy creator for infrastructure advisors, unless a stronger one is there. */
    static final class AutoProxyRegistrar implements ImportBeanDefinitionRegistrar {

        @Override
        public void registerBeanDefinitions(AnnotationMetadata metadata, BeanDefinitionRegistry registry) {
            AopConfigUtils.registerAutoProxyCreatorIfNecessary(registry);
        }
    }
}
