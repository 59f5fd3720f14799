-- Step leases (issue 19, scale-out of one run): a step of a parallel batch may run on any worker
-- sharing the database. leaseUntil NULL: the run's lease covers the step (sequential steps, as
-- before). Not NULL: a shared step, claimable once leaseUntil has passed (0: never claimed);
-- leaseOwner is the worker that holds or last held it (on a done step: the worker that ran it).
ALTER TABLE `ExecStep`
    ADD COLUMN `leaseOwner` VARCHAR(64) NULL,
    ADD COLUMN `leaseUntil` BIGINT NULL,
    ADD INDEX `ExecStep_leaseUntil_idx`(`leaseUntil`);
