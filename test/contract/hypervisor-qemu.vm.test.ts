import { hypervisorContractOnQemu } from '../vm/hypervisor/contract-on-qemu.js';

hypervisorContractOnQemu('qemu');
